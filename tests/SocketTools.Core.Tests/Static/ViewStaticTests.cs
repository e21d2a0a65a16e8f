using System.Text.RegularExpressions;
using System.Xml.Linq;
using SocketTools.Text;

namespace SocketTools.Tests.Static;

/// <summary>
/// The table views' shape, which is what keeps them from cutting cells: PowerShell cuts a cell that
/// is wider than its column with '…' and drops the columns that do not fit the line. So every table
/// view is one column wider than any line (PowerShell narrows it to the line), with Wrap (a row's
/// lines are kept), whose text <see cref="ViewLayout"/> lays out; the header is the group header,
/// laid out by the same layout at the same width.
/// </summary>
[Trait("Tier", "Offline")]
public sealed class ViewStaticTests
{
    private const string WidthExpression = "$(try { $Host.UI.RawUI.BufferSize.Width } catch { 0 })";

    private static IEnumerable<XElement> TableViews() =>
        XDocument.Load(Repo.PathOf("src", "SocketTools", "SocketTools.Format.ps1xml")).Descendants("View")
            .Where(v => v.Element("TableControl") is not null);

    /// <summary>The layout names a script calls ViewLayout.Row or Header with ('ss', or the netstat sections).</summary>
    private static List<string> LayoutsNamed(string script, string method) =>
        Regex.Matches(script, @"\[SocketTools\.Text\.ViewLayout\]::" + method + @"\('([\w-]+)'").Select(m => m.Groups[1].Value).ToList();

    [Fact]
    public void EveryTableViewIsOneWrappedColumnWiderThanAnyLine()
    {
        int views = 0;
        foreach (var view in TableViews())
        {
            views++;
            string name = (string)view.Element("Name")!;
            var table = view.Element("TableControl")!;
            var headers = table.Descendants("TableColumnHeader").ToList();
            Assert.True(headers.Count == 1, $"view {name} has {headers.Count} columns: PowerShell drops the columns that do not fit the line");
            Assert.True(int.TryParse((string?)headers[0].Element("Width"), out int width) && width >= 1000,
                $"view {name}: its column must be wider than any line, so that PowerShell narrows it to the line instead of sizing it from the first rows");
            Assert.NotNull(table.Element("HideTableHeaders"));
            foreach (var entry in table.Descendants("TableRowEntry"))
            {
                Assert.True(entry.Element("Wrap") is not null, $"view {name}: a row without Wrap is cut to one line");
            }
        }

        Assert.True(views >= 10, $"only {views} table views: the check checked too little");
    }

    [Fact]
    public void EveryTableViewLaysOutItsHeaderAndRowsAlikeAtTheHostsWidth()
    {
        foreach (var view in TableViews())
        {
            string name = (string)view.Element("Name")!;
            var group = view.Element("GroupBy");
            Assert.True(group is not null, $"view {name} has no GroupBy: its header is the group header");
            string header = string.Concat(group!.Descendants("ScriptBlock").Select(s => s.Value));
            string rows = string.Concat(view.Element("TableControl")!.Descendants("ScriptBlock").Select(s => s.Value));
            Assert.Contains("[SocketTools.Text.ViewLayout]::Header(", header, StringComparison.Ordinal);
            Assert.Contains("[SocketTools.Text.ViewLayout]::Row(", rows, StringComparison.Ordinal);
            Assert.Contains(WidthExpression, header, StringComparison.Ordinal);
            Assert.Contains(WidthExpression, rows, StringComparison.Ordinal);
            // Every layout a row names exists, and the header names one for each (or takes it from the same section method).
            var rowLayouts = LayoutsNamed(rows, "Row");
            var headerLayouts = LayoutsNamed(header, "Header");
            foreach (string layout in rowLayouts.Concat(headerLayouts))
            {
                Assert.Contains(layout, ViewLayout.Names);
            }

            if (headerLayouts.Count > 0)
            {
                Assert.Equal(headerLayouts.Distinct(), rowLayouts.Distinct());
            }
            else
            {
                // netstat: the section of the socket names the layout of both.
                Assert.Contains("[SocketTools.Text.NetstatText]::Section($_.Protocol)", header, StringComparison.Ordinal);
                Assert.Equal(["netstat", "netstat-unix"], rowLayouts.Order(StringComparer.Ordinal));
                Assert.Equal(["netstat", "netstat-unix"], new[] { SocketProtocol.Tcp, SocketProtocol.Unix }.Select(NetstatText.Section));
            }
        }
    }
}
