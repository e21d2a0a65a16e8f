using System.Text.RegularExpressions;
using SocketTools.Linux;
using SocketTools.Tests.Static;

namespace SocketTools.Tests.Reliability;

/// <summary>Nothing in the module changes system state: no file writes, no process control, no socket destruction.</summary>
[Trait("Tier", "Offline")]
public sealed class ReadOnlyTests
{
    // API that writes, deletes, starts or kills; open flags that write. A read-only use of a
    // listed name (there is none today) would go into Allowed with its reason.
    private static readonly Regex Writes = new(
        @"File\.(Write|Create|Delete|Move|Copy|Append|Replace|SetUnix|SetAttributes|SetLastWrite)|FileMode\.(Create|CreateNew|Append|OpenOrCreate|Truncate)" +
        @"|FileAccess\.(Write|ReadWrite)|Directory\.(Create|Delete|Move)|Process\.Start|\.Kill\(|SetEnvironmentVariable" +
        @"|SOCK_DESTROY|O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|\bunlink|\brename\(|\bchmod|\bchown|\bsysctl|\bptrace\(|\bkill\(");

    private static readonly (string File, string Why)[] Allowed = [];

    [Fact]
    public void SourcesHoldNoWritingCall()
    {
        var hits = new List<string>();
        foreach (string file in Directory.GetFiles(Repo.PathOf("src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || Allowed.Any(a => file.EndsWith(a.File, StringComparison.Ordinal)))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].TrimStart();
                if (!code.StartsWith("//", StringComparison.Ordinal) && Writes.IsMatch(code))
                {
                    hits.Add($"{Path.GetRelativePath(Repo.Root, file)}:{i + 1}: {code}");
                }
            }
        }

        Assert.True(hits.Count == 0, "calls that may change system state:\n" + string.Join("\n", hits));
    }

    [Theory]
    [InlineData("File.WriteAllText(path, text);")]
    [InlineData("using var f = File.Open(p, FileMode.OpenOrCreate);")]
    [InlineData("process.Kill(true);")]
    [InlineData("int flags = O_RDWR | O_CREAT;")]
    [InlineData("const ushort SOCK_DESTROY = 21;")]
    public void TheCheckRecognisesWrites(string code) => Assert.Matches(Writes, code);

    [Theory]
    [InlineData(21)]  // SOCK_DESTROY
    [InlineData(0)]
    [InlineData(18)]  // RTM_GETADDR, another protocol's request
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
