using SocketTools.Text;

namespace SocketTools.Tests.Views;

/// <summary>
/// The line layout every table view uses: cells are never cut, a row that does not fit the host's
/// width continues on indented lines, and the header breaks where rows of ordinary length break.
/// The cells themselves are compared with ss, netstat and lsof by the live tests (tests/Views.Tests.ps1).
/// </summary>
[Trait("Tier", "Offline")]
public sealed class ViewLayoutTests
{
    private const string LinkLocal = "[fe80::8484:c4ff:fe7d:c4f7]%veth0:60014";
    private const string LinkLocalPeer = "[fe80::343a:13ff:fe6d:ea82]:7000";
    private const string Users = "users:((\"python3\",pid=30414,fd=6))";
    private static readonly string LongPath = "/tmp/" + new string('d', 60) + "/" + new string('s', 30) + ".sock 562960";

    private static string[] Lines(string text) => text.Split('\n');

    [Fact]
    public void ARowThatFitsIsOneLineInSsColumns()
    {
        string row = ViewLayout.Row("ss", 120, ["tcp", "LISTEN", "0", "8", "*:443", "*:*"]);
        Assert.Equal("tcp   LISTEN          0      8                          *:443 *:*", row);
        Assert.Equal("Netid State      Recv-Q Send-Q             Local Address:Port Peer Address:Port", ViewLayout.Header("ss", 120));
    }

    [Fact]
    public void ARemoteRowEndsWithItsComputerNameUnderAPSComputerNameHeader()
    {
        // As PowerShell ends the rows of objects that came through remoting; an empty cell before it stays a column.
        string row = ViewLayout.Row("ss", 120, ["tcp", "LISTEN", "0", "8", "*:443", ""], "web1");
        Assert.Equal("tcp   LISTEN          0      8                          *:443                                web1", row);
        Assert.Equal("Netid State      Recv-Q Send-Q             Local Address:Port Peer Address:Port              PSComputerName", ViewLayout.Header("ss", 120, true));
        Assert.Equal(ViewLayout.Row("ss", 120, ["tcp", "LISTEN", "0", "8", "*:443", "*:*"]), ViewLayout.Row("ss", 120, ["tcp", "LISTEN", "0", "8", "*:443", "*:*"], null));
        Assert.EndsWith(" web1", ViewLayout.Row("lsof", 80, ["sshd", "1", "root", "3u", "IPv4", "1", "0t0", "TCP", "*:22 (LISTEN)"], "web1"), StringComparison.Ordinal);
    }

    [Fact]
    public void ALongCellPushesTheRestAndIsNeverCut()
    {
        string row = ViewLayout.Row("ss", 120, ["tcp", "ESTAB", "0", "0", LinkLocal, LinkLocalPeer]);
        Assert.Single(Lines(row));
        Assert.Equal($"tcp   ESTAB           0      0 {LinkLocal} {LinkLocalPeer}", row);
    }

    [Fact]
    public void ARowThatDoesNotFitContinuesOnAnIndentedLineWithWholeCells()
    {
        string row = ViewLayout.Row("ss", 80, ["tcp", "ESTAB", "0", "0", LinkLocal, LinkLocalPeer]);
        Assert.Equal(["tcp   ESTAB           0      0 " + LinkLocal, "      " + LinkLocalPeer], Lines(row));
    }

    [Fact]
    public void ACellLongerThanTheIndentedLineStartsALineOfItsOwn()
    {
        string row = ViewLayout.Row("ss", 120, ["u_str", "LISTEN", "0", "4", LongPath, "* 0"]);
        Assert.Equal(["u_str LISTEN          0      4", "      " + LongPath, "      * 0"], Lines(row));
        row = ViewLayout.Row("ss", 110, ["u_str", "LISTEN", "0", "4", LongPath, "* 0"]);
        Assert.Equal(["u_str LISTEN          0      4", LongPath, "      * 0"], Lines(row));
    }

    [Fact]
    public void TheViewsOwnColumnStaysAt80Columns()
    {
        string header = ViewLayout.Header("process", 80);
        Assert.Equal(["Netid State      Recv-Q Send-Q    Local Address:Port Peer Address:Port", "      Process"], Lines(header));
        string row = ViewLayout.Row("process", 80, ["tcp", "LISTEN", "0", "8", "*:443", "*:*", Users]);
        Assert.Equal(["tcp   LISTEN          0      8                 *:443 *:*", "      " + Users], Lines(row));
        Assert.Contains("PID/Program name", ViewLayout.Header("netstat", 80), StringComparison.Ordinal);
        Assert.Contains("Path", ViewLayout.Header("netstat-unix", 80), StringComparison.Ordinal);
        Assert.Contains("Timer", ViewLayout.Header("timer", 80), StringComparison.Ordinal);
        Assert.Contains("Details", ViewLayout.Header("extended", 80), StringComparison.Ordinal);
        string sample = ViewLayout.Header("sample", 80);
        Assert.Contains("Timer", sample, StringComparison.Ordinal);
        Assert.Contains("Change", sample, StringComparison.Ordinal);
    }

    [Fact]
    public void WideLinesUseTheWideColumnsAndNarrowOnesTheCompactOnes()
    {
        // Netid State Recv-Q Send-Q and a 30-character Local column fit 92 columns; at 91 it is 21.
        Assert.Equal(62, ViewLayout.Header("ss", 92).IndexOf("Peer", StringComparison.Ordinal));
        Assert.Equal(53, ViewLayout.Header("ss", 91).IndexOf("Peer", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnknownWidthIsPowerShellsDefault()
    {
        Assert.Equal(ViewLayout.Header("process", ViewLayout.DefaultWidth), ViewLayout.Header("process", 0));
        Assert.Equal(ViewLayout.Row("process", 120, ["tcp", "ESTAB", "0", "0", LinkLocal, LinkLocalPeer, Users]),
            ViewLayout.Row("process", -1, ["tcp", "ESTAB", "0", "0", LinkLocal, LinkLocalPeer, Users]));
    }

    [Fact]
    public void EmptyCellsAtTheEndAreLeftOutAndNullCellsAreEmpty()
    {
        Assert.Equal("tcp   LISTEN          0      8                 *:443 *:*",
            ViewLayout.Row("process", 80, ["tcp", "LISTEN", "0", "8", "*:443", "*:*", ""]));
        Assert.Equal("unix  -      [ ]         DGRAM                    562964   -",
            ViewLayout.Row("netstat-unix", 120, ["unix", "-", "[ ]", "DGRAM", null, "562964", "-", null]));
        Assert.Equal(string.Empty, ViewLayout.Row("ss", 80, null));
    }

    [Fact]
    public void EveryLayoutHasAHeaderWithItsLabelsInOrder()
    {
        foreach (string view in ViewLayout.Names)
        {
            foreach (int width in new[] { 80, 120, 250 })
            {
                string flat = string.Join(' ', ViewLayout.Header(view, width).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
                Assert.Equal(string.Join(' ', ViewLayout.Columns(view).Select(c => c.Label)), flat);
            }
        }
    }

    [Fact]
    public void AnUnknownLayoutIsAnArgumentError() =>
        Assert.Throws<ArgumentException>(() => ViewLayout.Row("nosuch", 80, []));

    /// <summary>
    /// For random rows at random widths: every line fits unless it holds a single cell longer than
    /// the line, and the cells read back whole and in order.
    /// </summary>
    [Fact]
    public void RandomRowsKeepEveryCellWholeAndEveryLineWithinTheWidth()
    {
        var random = new Random(13);
        foreach (string view in ViewLayout.Names)
        {
            var columns = ViewLayout.Columns(view);
            for (int n = 0; n < 300; n++)
            {
                int width = random.Next(40, 260);
                var cells = columns.Select(_ => random.Next(5) == 0 ? string.Empty : Token(random, random.Next(1, 130))).ToArray();
                string row = ViewLayout.Row(view, width, cells);
                foreach (string line in Lines(row))
                {
                    Assert.True(line.Length <= width || !line.Trim().Contains(' ', StringComparison.Ordinal),
                        $"{view} at {width}: '{line}' is longer than the line and holds more than one cell");
                    Assert.False(line.EndsWith(' '), $"{view} at {width}: '{line}' ends with spaces");
                }

                var read = row.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(cells.Where(c => c.Length > 0), read);
            }
        }
    }

    private static string Token(Random random, int length) =>
        new(Enumerable.Range(0, length).Select(_ => (char)random.Next('!', '~' + 1)).ToArray());
}
