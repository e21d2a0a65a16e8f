using System.Text.RegularExpressions;
using SocketTools.Linux;
using SocketTools.Tests.Static;

namespace SocketTools.Tests.Reliability;

/// <summary>
/// Nothing in the module changes system state (no file writes, no process control, no socket
/// destruction) except Close-Socket: the one SOCK_DESTROY request is built in SocketDestroyer.cs, and
/// only CloseSocketCommand.cs reaches that type.
/// </summary>
[Trait("Tier", "Offline")]
public sealed class ReadOnlyTests
{
    // API that writes, deletes, starts or kills; open flags that write. A read-only use of a
    // listed name (there is none today) would go into Allowed with its reason.
    private static readonly Regex Writes = new(
        @"File\.(Write|Create|Delete|Move|Copy|Append|Replace|SetUnix|SetAttributes|SetLastWrite)|FileMode\.(Create|CreateNew|Append|OpenOrCreate|Truncate)" +
        @"|FileAccess\.(Write|ReadWrite)|Directory\.(Create|Delete|Move)|Process\.Start|\.Kill\(|SetEnvironmentVariable" +
        @"|SOCK_DESTROY|SocketDestroyer|OpenSocketCloser|ISocketCloser|O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|\bunlink|\brename\(|\bchmod|\bchown|\bsysctl|\bptrace\(|\bkill\(");

    /// <summary>
    /// The only state-changing code: the SOCK_DESTROY builder, the platform that hands it out as an
    /// ISocketCloser (declared, wired), and Close-Socket, the one caller of OpenSocketCloser.
    /// </summary>
    private static readonly (string File, string Why)[] Allowed =
    [
        (Path.Combine("src", "SocketTools.Core", "Linux", "Netlink", "SocketDestroyer.cs"), "builds and sends the SOCK_DESTROY request"),
        (Path.Combine("src", "SocketTools", "Commands", "CloseSocketCommand.cs"), "Close-Socket: ShouldProcess, ConfirmImpact High, then the platform's closer"),
        (Path.Combine("src", "SocketTools.Core", "Linux", "LinuxPlatform.cs"), "wires SocketDestroyer as the platform's ISocketCloser"),
        (Path.Combine("src", "SocketTools.Core", "Platform", "ISocketPlatform.cs"), "declares OpenSocketCloser"),
        (Path.Combine("src", "SocketTools.Core", "Platform", "ISocketCloser.cs"), "declares ISocketCloser"),
    ];

    [Fact]
    public void SourcesHoldNoWritingCall()
    {
        var hits = new List<string>();
        foreach (string file in Directory.GetFiles(Repo.PathOf("src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            {
                continue;
            }

            // The allowed files may name the destroy request and its builder, and nothing else that writes.
            bool allowed = Allowed.Any(a => file.EndsWith(a.File, StringComparison.Ordinal));

            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].TrimStart();
                if (allowed)
                {
                    code = code.Replace("SOCK_DESTROY", string.Empty, StringComparison.Ordinal).Replace("SocketDestroyer", string.Empty, StringComparison.Ordinal)
                        .Replace("OpenSocketCloser", string.Empty, StringComparison.Ordinal).Replace("ISocketCloser", string.Empty, StringComparison.Ordinal);
                }
                if (!code.StartsWith("//", StringComparison.Ordinal) && Writes.IsMatch(code))
                {
                    hits.Add($"{Path.GetRelativePath(Repo.Root, file)}:{i + 1}: {code}");
                }
            }
        }

        Assert.True(hits.Count == 0, "calls that may change system state:\n" + string.Join("\n", hits));
    }

    [Fact]
    public void OnlyCloseSocketReachesTheDestroyRequest()
    {
        // SOCK_DESTROY appears in SocketDestroyer.cs alone; SocketDestroyer is named only where the
        // platform wires it; OpenSocketCloser is declared, wired, and called by CloseSocketCommand.cs
        // alone; the rest of the code (every other cmdlet included) names none of them.
        var mentions = new Dictionary<string, List<string>> { ["SOCK_DESTROY"] = [], ["SocketDestroyer"] = [], ["OpenSocketCloser"] = [] };
        foreach (string file in Directory.GetFiles(Repo.PathOf("src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            // Code lines only: comments may explain what the module does not do.
            string text = string.Join('\n', File.ReadLines(file).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
            foreach (var (name, files) in mentions)
            {
                if (text.Contains(name, StringComparison.Ordinal))
                {
                    files.Add(Path.GetRelativePath(Repo.Root, file));
                }
            }
        }

        Assert.Equal([Allowed[0].File], mentions["SOCK_DESTROY"]);
        Assert.Equal(new[] { Allowed[0].File, Allowed[2].File }.Order(StringComparer.Ordinal), mentions["SocketDestroyer"].Order(StringComparer.Ordinal));
        Assert.Equal(new[] { Allowed[1].File, Allowed[2].File, Allowed[3].File }.Order(StringComparer.Ordinal), mentions["OpenSocketCloser"].Order(StringComparer.Ordinal));

        // The request is built by one method of that type, and nothing else in the assembly has the value 21 as a message type.
        var destroyer = typeof(SocketDestroyer);
        Assert.Equal((ushort)21, (ushort)destroyer.GetField("SOCK_DESTROY", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetRawConstantValue()!);
        var commands = Repo.FindType("SocketTools.Commands.SocketCmdlet")!.Assembly.GetTypes()
            .Where(t => t.CustomAttributes.Any(a => a.AttributeType.Name == "CmdletAttribute")).ToList();
        Assert.Contains(commands, t => t.Name == "CloseSocketCommand");
        var reaching = commands.Where(t => t.GetFields(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
            .Any(f => f.FieldType.FullName == "SocketTools.Platform.ISocketCloser"
                || f.FieldType.GenericTypeArguments.Any(a => a.FullName == "SocketTools.Platform.ISocketCloser"))).Select(t => t.Name).ToList();
        Assert.Equal(["CloseSocketCommand"], reaching);
    }

    [Theory]
    [InlineData("File.WriteAllText(path, text);")]
    [InlineData("using var f = File.Open(p, FileMode.OpenOrCreate);")]
    [InlineData("process.Kill(true);")]
    [InlineData("int flags = O_RDWR | O_CREAT;")]
    [InlineData("const ushort SOCK_DESTROY = 21;")]
    [InlineData("using var d = SocketDestroyer.Open(ns);")]
    public void TheCheckRecognisesWrites(string code) => Assert.Matches(Writes, code);

    [Theory]
    [InlineData(21)]  // SOCK_DESTROY
    [InlineData(0)]
    [InlineData(24)]  // RTM_NEWROUTE, another protocol's request (18, TCPDIAG_GETSOCK, is inet_diag's read-only TCP dump)
    public void OnlySockDiagRequestsAreSent(ushort type)
    {
        var transport = new ScriptedTransport();
        using var socket = new NetlinkSocket(transport);
        var request = new byte[NetlinkSocket.HeaderLength + InetDiag.RequestLength];
        int length = InetDiag.BuildRequest(request, Native.Libc.AF_INET, InetDiag.IPPROTO_TCP, 0, uint.MaxValue, default);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(4), type);
        Assert.Throws<InvalidOperationException>(() => socket.Dump(request, length, _ => null, default).ToList());
        Assert.Empty(transport.Sent);
    }
}
