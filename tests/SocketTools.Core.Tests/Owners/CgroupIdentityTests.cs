using SocketTools.Linux;

namespace SocketTools.Tests.Owners;

/// <summary>
/// Container, pod and unit from /proc/PID/cgroup texts as the runtimes leave them, with the cgroupfs
/// and the systemd drivers, on cgroup v1, v2 and hybrid hosts.
/// </summary>
[Trait("Tier", "Offline")]
public sealed class CgroupIdentityTests
{
    private const string A = "3f1c2b7a9d04e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e";
    private const string B = "0a9b8c7d6e5f40312233445566778899aabbccddeeff00112233445566778899";
    private const string Uid = "5c0b3a1e-8f2d-4b6a-9c7e-1d2f3a4b5c6d";
    private static readonly string Under = Uid.Replace('-', '_');

    /// <summary>A v1 host's file: every controller at <paramref name="controllers"/>, name=systemd at <paramref name="systemd"/>.</summary>
    private static string V1(string controllers, string? systemd = null, bool hybrid = false) =>
        $"""
        12:pids:{controllers}
        11:hugetlb:{controllers}
        10:net_cls,net_prio:{controllers}
        9:perf_event:{controllers}
        8:cpu,cpuacct:{controllers}
        7:memory:{controllers}
        6:freezer:{controllers}
        5:devices:{controllers}
        4:blkio:{controllers}
        3:cpuset:{controllers}
        2:rdma:/
        1:name=systemd:{systemd ?? controllers}

        """.Replace("\r", string.Empty) + (hybrid ? $"0::{systemd ?? controllers}\n" : string.Empty);

    private static string V2(string path) => $"0::{path}\n";

    public static TheoryData<string, string, string?, string?, string?, string?> Cases => new()
    {
        // docker, cgroupfs and systemd drivers
        { "docker cgroupfs v2", V2($"/docker/{A}"), A, "docker", null, null },
        { "docker cgroupfs v1", V1($"/docker/{A}"), A, "docker", null, null },
        { "docker systemd v2", V2($"/system.slice/docker-{A}.scope"), A, "docker", null, $"docker-{A}.scope" },
        { "docker systemd hybrid", V1($"/system.slice/docker-{A}.scope", hybrid: true), A, "docker", null, $"docker-{A}.scope" },
        { "docker in docker", V2($"/docker/{B}/docker/{A}"), A, "docker", null, null },

        // containerd (CRI)
        { "containerd cgroupfs v1 besteffort", V1($"/kubepods/besteffort/pod{Uid}/{A}"), A, "containerd", Uid, null },
        { "containerd cgroupfs v2 guaranteed", V2($"/kubepods/pod{Uid}/{A}"), A, "containerd", Uid, null },
        {
            "containerd systemd v2 besteffort",
            V2($"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{Under}.slice/cri-containerd-{A}.scope"),
            A, "containerd", Uid, $"cri-containerd-{A}.scope"
        },
        {
            "containerd systemd v1 burstable",
            V1($"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{Under}.slice/cri-containerd-{A}.scope"),
            A, "containerd", Uid, $"cri-containerd-{A}.scope"
        },
        {
            "containerd systemd v2 guaranteed",
            V2($"/kubepods.slice/kubepods-pod{Under}.slice/cri-containerd-{A}.scope"),
            A, "containerd", Uid, $"cri-containerd-{A}.scope"
        },
        {
            "kind node (containerd in docker)",
            V2($"/system.slice/docker-{B}.scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod{Under}.slice/cri-containerd-{A}.scope"),
            A, "containerd", Uid, $"cri-containerd-{A}.scope"
        },

        // cri-o
        {
            "cri-o systemd v2",
            V2($"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{Under}.slice/crio-{A}.scope"),
            A, "cri-o", Uid, $"crio-{A}.scope"
        },
        { "cri-o cgroupfs v1", V1($"/kubepods/burstable/pod{Uid}/crio-{A}"), A, "cri-o", Uid, null },
        {
            "cri-o conmon in the pod is not the container",
            V2($"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{Under}.slice/crio-conmon-{A}.scope"),
            null, null, Uid, $"crio-conmon-{A}.scope"
        },
        { "cri-o conmon in system.slice", V2($"/system.slice/crio-conmon-{A}.scope"), null, null, null, $"crio-conmon-{A}.scope" },

        // podman
        { "podman systemd v2", V2($"/machine.slice/libpod-{A}.scope/container"), A, "podman", null, $"libpod-{A}.scope" },
        { "podman systemd v1", V1($"/machine.slice/libpod-{A}.scope"), A, "podman", null, $"libpod-{A}.scope" },
        {
            "podman rootless v2",
            V2($"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-{A}.scope"),
            A, "podman", null, $"libpod-{A}.scope"
        },
        { "podman cgroupfs v1", V1($"/libpod_parent/libpod-{A}"), A, "podman", null, null },
        { "podman old cgroupfs", V1($"/libpod_parent/libpod-conmon-{A}/{A}"), A, "podman", null, null },
        { "podman conmon", V2($"/machine.slice/libpod-conmon-{A}.scope"), null, null, null, $"libpod-conmon-{A}.scope" },

        // systemd-nspawn
        {
            "nspawn service v2, a unit inside",
            V2("/machine.slice/systemd-nspawn@web.service/payload/system.slice/nginx.service"),
            "web", "systemd-nspawn", null, "nginx.service"
        },
        { "nspawn service v1", V1("/machine.slice/systemd-nspawn@web.service"), "web", "systemd-nspawn", null, "systemd-nspawn@web.service" },
        { "machined scope, escaped name", V2(@"/machine.slice/machine-my\x2dbox.scope/payload"), "my-box", "systemd-nspawn", null, @"machine-my\x2dbox.scope" },
        { "libvirt qemu is not a container", V2(@"/machine.slice/machine-qemu\x2d1\x2dvm1.scope/libvirt/emulator"), null, null, null, @"machine-qemu\x2d1\x2dvm1.scope" },

        // LXC, LXD
        { "lxc legacy v1", V1("/lxc/web01"), "web01", "lxc", null, null },
        { "lxc 4 v2, a unit inside", V2("/lxc.payload.web01/system.slice/ssh.service"), "web01", "lxc", null, "ssh.service" },
        { "lxc payload directory", V1("/lxc.payload/web01"), "web01", "lxc", null, null },
        { "lxc monitor is not the container", V2("/lxc.monitor.web01"), null, null, null, null },

        // not containers
        { "root v2", V2("/"), null, null, null, null },
        { "root v1 hybrid", V1("/", hybrid: true), null, null, null, null },
        { "ssh service", V2("/system.slice/ssh.service"), null, null, null, "ssh.service" },
        { "user session", V1("/user.slice", "/user.slice/user-1000.slice/session-3.scope", hybrid: true), null, null, null, "session-3.scope" },
        { "user service", V2("/user.slice/user-1000.slice/user@1000.service/app.slice/pipewire.service"), null, null, null, "pipewire.service" },
        { "init", V2("/init.scope"), null, null, null, "init.scope" },
        {
            "this machine: hex below a directory of no runtime",
            "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n4:memory:/process_api/4e2069dd54ad333e32c00503f9e67337\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n",
            null, null, null, null
        },
        { "64 hex below a directory of no runtime", V2($"/system.slice/{A}"), null, null, null, null },
        { "docker- with a short id", V2("/system.slice/docker-3f1c2b7a9d04.scope"), null, null, null, "docker-3f1c2b7a9d04.scope" },
        { "uppercase hex is no docker id", V2($"/docker/{A.ToUpperInvariant()}"), null, null, null, null },
        { "a pod cgroup without a container", V1($"/kubepods/besteffort/pod{Uid}"), null, null, Uid, null },
        { "empty", string.Empty, null, null, null, null },
        { "garbage", "no colons here\n::\n", null, null, null, null },

        // which line: a container in one v1 hierarchy only; the unified line first
        { "one v1 hierarchy", "9:name=systemd:/user.slice/user-0.slice/session-1.scope\n8:pids:/docker/" + A + "\n4:memory:/\n0::/\n", A, "docker", null, "session-1.scope" },
        { "unified before v1", V2($"/docker/{A}") + $"4:memory:/docker/{B}\n", A, "docker", null, null },
        { "name=systemd before controllers", $"4:memory:/docker/{B}\n1:name=systemd:/docker/{A}\n", A, "docker", null, null },
        { "no trailing newline", $"0::/system.slice/docker-{A}.scope", A, "docker", null, $"docker-{A}.scope" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ParsesRuntimeNames(string what, string text, string? id, string? runtime, string? pod, string? unit)
    {
        var identity = CgroupIdentity.Parse(text);
        Assert.True(id == identity.ContainerId, $"{what}: id {identity.ContainerId}");
        Assert.True(runtime == identity.ContainerRuntime, $"{what}: runtime {identity.ContainerRuntime}");
        Assert.True(pod == identity.PodUid, $"{what}: pod {identity.PodUid}");
        Assert.True(unit == identity.Unit, $"{what}: unit {identity.Unit}");
    }

    [Fact]
    public void NothingFoundIsTheSharedNone()
    {
        Assert.Same(CgroupIdentity.None, CgroupIdentity.Parse(V1("/", hybrid: true)));
        Assert.NotSame(CgroupIdentity.None, CgroupIdentity.Parse(V2("/init.scope")));
    }

    [Fact]
    public void ReadsTheFileOfAProcessAndNullWhenItIsGone()
    {
        string root = Path.Combine(Path.GetTempPath(), "stt-cgroup-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "41"));
            File.WriteAllText(Path.Combine(root, "41", "cgroup"), V1($"/kubepods/besteffort/pod{Uid}/{A}", hybrid: true));

            // Longer than the stack buffer: deep nesting on a v1 host.
            Directory.CreateDirectory(Path.Combine(root, "42"));
            string deep = string.Concat(Enumerable.Repeat("/nested", 100)) + $"/docker/{B}";
            string large = V1(deep);
            Assert.True(large.Length > 8192);
            File.WriteAllText(Path.Combine(root, "42", "cgroup"), large);

            var pod = CgroupIdentity.Read(41, root);
            Assert.NotNull(pod);
            Assert.Equal((A, "containerd", Uid), (pod.ContainerId, pod.ContainerRuntime, pod.PodUid));
            var nested = CgroupIdentity.Read(42, root);
            Assert.Equal(B, nested?.ContainerId);
            Assert.Null(CgroupIdentity.Read(43, root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
