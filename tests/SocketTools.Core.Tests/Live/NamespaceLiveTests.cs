using System.Diagnostics;
using System.Net;
using SocketTools.Linux;
using SocketTools.Query;

namespace SocketTools.Tests.Live;

/// <summary>
/// -AllNetworkNamespaces against the live kernel: namespaces found as lsns finds them (named, held
/// only by a process, held only by a bind mount outside /run/netns), each socket stamped with its
/// own, owners from one /proc pass, and namespaces that vanish before they are read skipped.
/// </summary>
public sealed class NamespaceLiveTests
{
    /// <summary>A namespace held only by a process started with unshare -n (listening on 127.0.0.1:PORT).</summary>
    private sealed class Unshared : IDisposable
    {
        private readonly Process _process;

        public Unshared(int port)
        {
            var psi = new ProcessStartInfo("unshare")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
            };
            foreach (string a in new[] { "-n", "sh", "-c", "ip link set lo up; exec python3 -c \"import socket,sys,time\ns=socket.socket(); s.bind(('127.0.0.1'," + port + ")); s.listen(); print('up', flush=True); time.sleep(120)\"" })
            {
                psi.ArgumentList.Add(a);
            }

            _process = Process.Start(psi)!;
            Assert.Equal("up", _process.StandardOutput.ReadLine());
            Id = NamespaceDiscovery.ParseId(Tool.Run("readlink", $"/proc/{_process.Id}/ns/net").Trim()) ?? 0;
            Assert.NotEqual(0UL, Id);
        }

        public int Pid => _process.Id;

        public ulong Id { get; }

        public void Dispose()
        {
            _process.Kill(true);
            _process.WaitForExit(5000);
            _process.Dispose();
        }
    }

    /// <summary>A namespace held only by a bind mount of its nsfs file at a path outside /run/netns.</summary>
    private sealed class BindMounted : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "stt-bind-" + Guid.NewGuid().ToString("N")[..8]);

        public BindMounted()
        {
            Directory.CreateDirectory(_dir);
            PathName = Path.Combine(_dir, "ns");
            File.WriteAllText(PathName, string.Empty);
            Tool.Run("unshare", "--net=" + PathName, "ip", "link", "set", "lo", "up");
            Id = NamespaceDiscovery.IdOf(PathName) ?? 0;
            Assert.NotEqual(0UL, Id);
        }

        public string PathName { get; }

        public ulong Id { get; }

        public void Dispose()
        {
            Tool.Run("umount", [PathName], check: false);
            Directory.Delete(_dir, recursive: true);
        }
    }

    [LiveFact]
    public void Discovery_finds_named_unshared_and_bind_mounted_namespaces_as_lsns_does()
    {
        using var named = new LiveNamespace();
        using var unshared = new Unshared(9301);
        using var bound = new BindMounted();
        var all = NamespaceDiscovery.List(out _);

        ulong namedId = ulong.Parse(Tool.Run("stat", "-L", "-c", "%i", "/run/netns/" + named.Name).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var n = Assert.Single(all, x => x.Id == namedId);
        Assert.Equal(named.Name, n.Name);
        Assert.Equal("/run/netns/" + named.Name, n.Path);

        var u = Assert.Single(all, x => x.Id == unshared.Id);
        Assert.Equal($"net:[{unshared.Id}]", u.Name);
        var b = Assert.Single(all, x => x.Id == bound.Id);
        Assert.Equal($"net:[{bound.Id}]", b.Name);
        Assert.Equal(bound.PathName, b.Path);

        Assert.Single(all, x => x.IsCurrent && x.Path is null && x.Id == NamespaceDiscovery.CurrentId());
        Assert.Equal(all.Count, all.Select(x => x.Id).Distinct().Count());

        // Every namespace lsns lists (it reads processes and, on newer util-linux, nsfs mounts) is found too.
        var lsns = Tool.Run("lsns", "-t", "net", "-n", "-o", "NS").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(ulong.Parse).ToList();
        Assert.Contains(unshared.Id, lsns);
        Assert.All(lsns, id => Assert.Contains(all, x => x.Id == id));
    }

    [LiveFact]
    public void AllNetworkNamespaces_stamps_each_socket_with_its_namespace_and_equals_ss_in_each()
    {
        using var a = new LiveNamespace();
        using var b = new LiveNamespace();
        using var unshared = new Unshared(9302);
        using var bound = new BindMounted();
        a.Listen(new IPEndPoint(IPAddress.Loopback, 9302));
        var listener = b.Listen(new IPEndPoint(IPAddress.Loopback, 9302));
        b.Connect(listener);
        var holder = Process.Start(new ProcessStartInfo("nsenter", ["--net=" + bound.PathName, "python3", "-c",
            "import socket,time\ns=socket.socket(); s.bind(('127.0.0.1',9302)); s.listen(); print('up', flush=True); time.sleep(120)"])
        { RedirectStandardOutput = true, UseShellExecute = false })!;
        try
        {
            Assert.Equal("up", holder.StandardOutput.ReadLine());
            var query = new QueryParameters { AllNetworkNamespaces = true, Protocol = [SocketProtocol.Tcp], IncludeProcess = true }.ToQuery();
            var diagnostics = new QueryDiagnostics();
            var sockets = SocketReader.Read(query, diagnostics).ToList();

            string Ss(string? netnsPath, string name) => netnsPath is null
                ? Tool.Run("ip", "netns", "exec", name, "ss", "-tan")
                : Tool.Run("nsenter", "--net=" + netnsPath, "ss", "-tan");
            var cases = new (string Name, string? Path, ulong Id)[]
            {
                (a.Name, null, NamespaceDiscovery.IdOf("/run/netns/" + a.Name)!.Value),
                (b.Name, null, NamespaceDiscovery.IdOf("/run/netns/" + b.Name)!.Value),
                ($"net:[{unshared.Id}]", $"/proc/{unshared.Pid}/ns/net", unshared.Id),
                ($"net:[{bound.Id}]", bound.PathName, bound.Id),
            };
            foreach (var (name, path, id) in cases)
            {
                var ours = sockets.Where(s => s.NetworkNamespaceId == id).ToList();
                Assert.All(ours, s => Assert.Equal(name, s.NetworkNamespace));
                var theirs = SsLine.Parse(Ss(path, name));
                Assert.NotEmpty(theirs);
                Assert.Equal(theirs.Select(t => $"{t.State} {t.Local} {t.Peer}").Order(),
                    ours.Select(s => $"{Text.SsText.State(s.State)} {Text.SsText.Endpoint(s.LocalAddress, s.LocalPort, s.V6Only, s.Interface)} {Text.SsText.Endpoint(s.RemoteAddress, s.RemotePort, s.V6Only, null)}").Order());
            }

            // One /proc pass finds owners in every namespace: the python processes hold their listeners.
            Assert.Contains(sockets, s => s.NetworkNamespaceId == unshared.Id && s.State == SocketState.Listen && s.Owners.Any(o => o.Command == "python3"));
            Assert.Contains(sockets, s => s.NetworkNamespaceId == bound.Id && s.Owners.Any(o => o.Id == holder.Id));
            Assert.Contains(diagnostics.Notes, n => n.Contains("network namespace(s):", StringComparison.Ordinal));
        }
        finally
        {
            holder.Kill(true);
            holder.WaitForExit(5000);
        }
    }

    [LiveFact]
    public void One_walk_for_both_TCP_families_gives_what_one_dump_per_family_gives_in_the_same_order()
    {
        using var ns = new LiveNamespace();
        var v4 = ns.Listen(new IPEndPoint(IPAddress.Loopback, 9306));
        var v6 = ns.Listen(new IPEndPoint(IPAddress.IPv6Loopback, 9307));
        var dual = ns.Listen(new IPEndPoint(IPAddress.IPv6Any, 9308), v6Only: false);
        ns.Connect(v4);
        ns.Connect(v6);
        ns.Connect(dual, IPAddress.Loopback, System.Net.Sockets.AddressFamily.InterNetwork);
        foreach (var parameters in new[]
        {
            new QueryParameters { NetworkNamespace = [ns.Name], Protocol = [SocketProtocol.Tcp] },
            new QueryParameters { NetworkNamespace = [ns.Name], Protocol = [SocketProtocol.Tcp], Info = true, State = ["Established"] },
            new QueryParameters { NetworkNamespace = [ns.Name], Protocol = [SocketProtocol.Tcp, SocketProtocol.Udp], Filter = "sport = :9307 or dport = :9308" },
        })
        {
            var query = parameters.ToQuery();
            var perFamily = SocketReader.Read(query).ToList();
            var diagnostics = new QueryDiagnostics();
            var oneWalk = SocketReader.Read(query with { OneTcpWalk = true }, diagnostics).ToList();
            Assert.NotEmpty(perFamily);
            Assert.Equal(perFamily.Select(s => (s.Cookie, s.Family, s.State, s.LocalPort, s.RemotePort, s.Tcp?.Mss)),
                oneWalk.Select(s => (s.Cookie, s.Family, s.State, s.LocalPort, s.RemotePort, s.Tcp?.Mss)));
            Assert.Contains(diagnostics.Notes, n => n.Contains("IPv4 and IPv6 in one walk", StringComparison.Ordinal));
        }
    }

    [LiveFact]
    public void A_namespace_deleted_before_it_is_read_is_skipped_with_a_note()
    {
        using var kept = new LiveNamespace();
        kept.Listen(new IPEndPoint(IPAddress.Loopback, 9303));
        var gone = new LiveNamespace();
        string goneName = gone.Name;
        var all = NamespaceDiscovery.List(out _).Where(n => n.Name == kept.Name || n.Name == goneName).ToList();
        Assert.Equal(2, all.Count);
        gone.Dispose();   // deleted between being found and being read

        var diagnostics = new QueryDiagnostics();
        var sockets = SocketReader.Read(SocketQuery.Default with { Namespaces = all }, diagnostics).ToList();
        Assert.Contains(sockets, s => s.NetworkNamespace == kept.Name && s.LocalPort == 9303);
        Assert.DoesNotContain(sockets, s => s.NetworkNamespace == goneName);
        Assert.Contains(diagnostics.Notes, n => n.Contains($"Network namespace {goneName} skipped", StringComparison.Ordinal));
        Assert.Empty(diagnostics.Warnings);
    }

    [LiveFact]
    public void Several_names_and_wildcards_read_each_namespace_once_and_report_missing_names()
    {
        using var a = new LiveNamespace();
        using var b = new LiveNamespace();
        a.Listen(new IPEndPoint(IPAddress.Loopback, 9304));
        b.Listen(new IPEndPoint(IPAddress.Loopback, 9304));
        var parameters = new QueryParameters { NetworkNamespace = [a.Name, a.Name[..^2] + "*", b.Name, "stt-no-such-namespace"], LocalPort = ["9304"] };
        var sockets = SocketReader.Read(parameters.ToQuery()).ToList();
        Assert.Equal(new[] { a.Name, b.Name }.Order(), sockets.Select(s => s.NetworkNamespace!).Order());
        var e = Assert.Single(parameters.NamespaceErrors);
        Assert.Equal("NetworkNamespaceNotFound", e.ErrorId);

        // A pattern that matches nothing lists nothing (not the caller's own namespace).
        Assert.Empty(SocketReader.Read(new QueryParameters { NetworkNamespace = ["stt-none-*"] }.ToQuery()));
    }

    [LiveFact]
    public void Net_inode_names_the_namespace_for_reading_and_for_the_caller_own()
    {
        using var unshared = new Unshared(9305);
        var sockets = SocketReader.Read(new QueryParameters { NetworkNamespace = [$"net:[{unshared.Id}]"] }.ToQuery()).ToList();
        var s = Assert.Single(sockets);
        Assert.Equal(9305, s.LocalPort);
        Assert.Equal(unshared.Id, s.NetworkNamespaceId);

        ulong own = NamespaceDiscovery.CurrentId();
        Assert.All(SocketReader.Read(new QueryParameters { NetworkNamespace = [$"net:[{own}]"], State = ["Listen"] }.ToQuery()),
            x => Assert.Equal(own, x.NetworkNamespaceId));
    }
}
