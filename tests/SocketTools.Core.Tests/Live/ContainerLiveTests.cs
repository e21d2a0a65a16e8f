using System.Globalization;
using SocketTools.Query;

namespace SocketTools.Tests.Live;

/// <summary>
/// Container, pod and unit of socket owners, live: a process in a test namespace is moved into
/// cgroups named as docker, containerd and systemd name them, and its sockets' owners must say so;
/// a process left where it was must not.
/// </summary>
public sealed class ContainerLiveTests
{
    private const string Script = """
import os, socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
print(os.getpid(), flush=True)
time.sleep(3600)
""";

    private static readonly string Id = RandomHex();
    private static readonly string Pod = Guid.NewGuid().ToString();

    public static TheoryData<string, string[], string, string?, string?> Cases => new()
    {
        // hierarchy ("any": the v2 mount, else the v1 pids one), path below the made-up parent, runtime, pod, unit
        { "any", ["docker", Id], "docker", null, null },
        { "any", ["kubepods", "besteffort", "pod" + Pod, Id], "containerd", Pod, null },
        { "name=systemd", ["system.slice", $"docker-{Id}.scope"], "docker", null, $"docker-{Id}.scope" },
        {
            "name=systemd",
            ["kubepods.slice", "kubepods-burstable.slice", $"kubepods-burstable-pod{Pod.Replace('-', '_')}.slice", $"cri-containerd-{Id}.scope"],
            "containerd", Pod, $"cri-containerd-{Id}.scope"
        },
    };

    private static string RandomHex() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();

    [LiveTheory]
    [MemberData(nameof(Cases))]
    public void OwnersCarryTheContainerOfTheirCgroup(string hierarchy, string[] components, string runtime, string? pod, string? unit)
    {
        string? mount = hierarchy == "any"
            ? FakeCgroup.Unified ?? FakeCgroup.V1("pids")
            : FakeCgroup.V1(hierarchy) ?? FakeCgroup.Unified;
        Assert.NotNull(mount);

        var ns = new LiveNamespace();
        FakeCgroup? cgroup = null;
        try
        {
            var inside = ns.Start("python3", "-c", Script, "7301");
            var outside = ns.Start("python3", "-c", Script, "7302");
            int pid = ReadPid(inside);
            int other = ReadPid(outside);
            cgroup = new FakeCgroup(mount, components);
            cgroup.Add(pid);

            // The kernel has it there (as the hierarchy's line of /proc/PID/cgroup says).
            string kernel = File.ReadAllText($"/proc/{pid}/cgroup");
            Assert.Contains(":" + cgroup.CgroupPath + "\n", kernel, StringComparison.Ordinal);

            var sockets = SocketReader.Read(new QueryParameters { NetworkNamespace = [ns.Name], IncludeProcess = true, Listening = true }.ToQuery()).ToList();
            var owner = Assert.Single(Assert.Single(sockets, s => s.LocalPort == 7301).Owners);
            Assert.Equal(pid, owner.Id);
            Assert.Equal((Id, runtime, pod, unit), (owner.ContainerId, owner.ContainerRuntime, owner.PodUid, owner.Unit));

            // The process left where it was (the test runner's cgroups) is in no container.
            var plain = Assert.Single(Assert.Single(sockets, s => s.LocalPort == 7302).Owners);
            Assert.Equal(other, plain.Id);
            Assert.Null(plain.ContainerId);
            Assert.Null(plain.ContainerRuntime);
            Assert.Null(plain.PodUid);

            // Get-SocketProcess rows copy them.
            var row = Assert.Single(SocketProcesses.Of(sockets, new QueryDiagnostics()), r => r.Id == pid);
            Assert.Equal((Id, runtime, pod, unit), (row.ContainerId, row.ContainerRuntime, row.PodUid, row.Unit));
        }
        finally
        {
            // Back to the hierarchy's root, killed, then the directories removed.
            try
            {
                cgroup?.MoveBack();
            }
            finally
            {
                ns.Dispose();
                cgroup?.Dispose();
            }
        }
    }

    private static int ReadPid(System.Diagnostics.Process p)
    {
        var line = p.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(20)) || line.Result is null)
        {
            throw new InvalidOperationException("python did not start");
        }

        return int.Parse(line.Result, CultureInfo.InvariantCulture);
    }
}
