using System.Text;
using SocketTools.Query;

namespace SocketTools.Text;

/// <summary>
/// Lays out the rows of the text views the way ss lays out its columns on a terminal: cells are
/// padded to their column's width and never cut; when a cell does not fit on the line, it starts a
/// continuation line, indented past the first column; a cell longer than that starts a line of its
/// own, which the terminal (or PowerShell) then wraps. The header is laid out by the same rules,
/// so it breaks where rows of ordinary length break.
/// <para>
/// The views call <see cref="Row"/> and <see cref="Header"/> with the host's width
/// (<c>$Host.UI.RawUI.BufferSize.Width</c>, what Out-Default writes to), because a format view
/// cannot see the width Out-String or Out-File will use: narrower output than the host's wraps
/// the lines PowerShell's way, which can split a cell.
/// </para>
/// </summary>
public static class ViewLayout
{
    /// <summary>The width used when the host does not say (PowerShell's own default).</summary>
    public const int DefaultWidth = 120;

    private static readonly ViewColumn Netid = new("Netid", 5, 5);
    private static readonly ViewColumn SsState = new("State", 10, 10);
    private static readonly ViewColumn RecvQ = new("Recv-Q", 6, 6, true);
    private static readonly ViewColumn SendQ = new("Send-Q", 6, 6, true);
    private static readonly ViewColumn Local = new("Local Address:Port", 30, 21, true);
    private static readonly ViewColumn Peer = new("Peer Address:Port", 30, 21);

    // What PowerShell adds to the table of objects that came through remoting (PSShowComputerName).
    private static readonly ViewColumn ComputerName = new("PSComputerName", 14, 14);

    // The namespace of each row, when a result spans several (-AllNetworkNamespaces, several -NetworkNamespace).
    private static readonly ViewColumn Namespace = new("Netns", 16, 16);

    private static readonly Dictionary<string, ViewColumn[]> Views = new(StringComparer.Ordinal)
    {
        // ss -tuan: Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port
        ["ss"] = [Netid, SsState, RecvQ, SendQ, Local, Peer],
        // ss -p, ss -o, ss -e: the ss columns and the one the view is for.
        ["process"] = [Netid, SsState, RecvQ, SendQ, Local, Peer, new("Process", 35, 35)],
        ["timer"] = [Netid, SsState, RecvQ, SendQ, Local, Peer, new("Timer", 28, 28)],
        ["extended"] = [Netid, SsState, RecvQ, SendQ, Local, Peer, new("Details", 45, 45)],
        // ss -xe, one Unix socket per row.
        ["unix"] =
        [
            Netid, SsState, RecvQ, SendQ, new("Inode", 10, 8, true), new("Peer", 10, 8, true), new("Shut", 4, 4),
            new("Path", 30, 20),
        ],
        // ss -lntup (Get-ListeningPort).
        ["listening"] =
        [
            Netid, new("State", 6, 6), RecvQ, SendQ, new("Local Address:Port", 28, 21, true),
            new("Peer Address:Port", 18, 10), new("Process", 35, 35),
        ],
        // lsof -nP -i (Get-SocketProcess).
        ["lsof"] =
        [
            new("COMMAND", 9, 9), new("PID", 7, 7, true), new("USER", 8, 8), new("FD", 5, 5, true), new("TYPE", 5, 5),
            new("DEVICE", 9, 9, true), new("SIZE/OFF", 8, 8, true), new("NODE", 4, 4), new("NAME", 45, 45),
        ],
        // netstat -tanpW: netstat's own widths, addresses never cut (as with -W).
        ["netstat"] =
        [
            new("Proto", 5, 5), RecvQ, SendQ, new("Local Address", 23, 23), new("Foreign Address", 23, 23),
            new("State", 11, 11), new("PID/Program name", 20, 20),
        ],
        // netstat -xanp: Unix sockets have their own section and columns.
        ["netstat-unix"] =
        [
            new("Proto", 5, 5), new("RefCnt", 6, 6), new("Flags", 11, 11), new("Type", 10, 10), new("State", 13, 13),
            new("I-Node", 8, 8), new("PID/Program name", 20, 20), new("Path", 30, 30),
        ],
        // Watch-SocketEvent: the time, the event (a star marks one found by comparing dumps), ss -E's columns.
        ["event"] =
        [
            new("Time", 12, 12), new("Event", 13, 13), Netid, SsState, new("Local Address:Port", 24, 21, true),
            new("Peer Address:Port", 24, 21),
        ],
        // Watch-SocketEvent -View tcplife: bcc tcplife's columns.
        ["tcplife"] =
        [
            new("PID", 7, 5, true), new("COMM", 10, 9), new("LADDR", 15, 15), new("LPORT", 5, 5, true),
            new("RADDR", 15, 15), new("RPORT", 5, 5, true), new("TX_KB", 5, 5, true), new("RX_KB", 5, 5, true),
            new("MS", 8, 7, true),
        ],
        // Who listens where across namespaces and containers (Format-Table -View container).
        ["container"] =
        [
            Namespace, new("Container", 24, 19), new("Process", 36, 24), SsState, Local, Peer,
        ],
        // Watch-TcpTimer: ss -not lines with the time of the sample and what changed.
        ["sample"] =
        [
            new("Time", 12, 12), SsState, RecvQ, SendQ, new("Local Address:Port", 24, 21, true),
            new("Peer Address:Port", 24, 21), new("Timer", 28, 28), new("Change", 6, 6),
        ],
    };

    /// <summary>The names of the layouts <see cref="Row"/> and <see cref="Header"/> know.</summary>
    public static IReadOnlyCollection<string> Names => Views.Keys;

    /// <summary>The columns of the layout <paramref name="view"/>.</summary>
    public static IReadOnlyList<ViewColumn> Columns(string view) =>
        Views.TryGetValue(view, out var columns) ? columns : throw new ArgumentException($"No view layout named '{view}'.", nameof(view));

    /// <summary>
    /// The header lines of <paramref name="view"/> at <paramref name="width"/> columns (0 or less:
    /// unknown), with a last PSComputerName column when <paramref name="computerName"/> is true (the
    /// object came through remoting, PSShowComputerName, and PowerShell cannot add the column itself
    /// to a view of one column as wide as the line).
    /// </summary>
    /// <param name="view">The layout.</param>
    /// <param name="width">The line width.</param>
    /// <param name="computerName">Whether to end with a PSComputerName column.</param>
    /// <param name="networkNamespace">Whether to add a Netns column before PSComputerName (the rows come from several network namespaces).</param>
    public static string Header(string view, int width, bool computerName = false, bool networkNamespace = false)
    {
        var columns = Columns(view, computerName, networkNamespace);
        return Layout(columns, width, columns.Select(c => (string?)c.Label).ToArray());
    }

    /// <summary>
    /// Whether an object's PowerShell type names mark it as one of a result that spans several
    /// network namespaces (<see cref="NetworkNamespaceInfo.AcrossTypeName"/>): the views then show its namespace.
    /// </summary>
    public static bool Across(IEnumerable<string>? typeNames) =>
        typeNames is not null && typeNames.Any(t => t.EndsWith(NetworkNamespaceInfo.AcrossTypeName, StringComparison.Ordinal));

    /// <summary>
    /// One row of <paramref name="view"/> at <paramref name="width"/> columns (0 or less: unknown),
    /// its lines separated by "\n"; null cells print as empty ones, and empty cells at the end are left
    /// out. A <paramref name="computerName"/> (PSComputerName of an object that came through remoting)
    /// ends the row in a column of its own, as PowerShell ends such rows.
    /// </summary>
    /// <param name="view">The layout.</param>
    /// <param name="width">The line width.</param>
    /// <param name="cells">The row's cells.</param>
    /// <param name="computerName">PSComputerName, for a last column of its own.</param>
    /// <param name="networkNamespace">The row's namespace, for a Netns column before PSComputerName (given when the rows come from several namespaces).</param>
    public static string Row(string view, int width, string?[]? cells, string? computerName = null, string? networkNamespace = null)
    {
        bool ns = !string.IsNullOrEmpty(networkNamespace), host = !string.IsNullOrEmpty(computerName);
        if (!ns && !host)
        {
            return Layout(Columns(view), width, cells ?? []);
        }

        var columns = Columns(view, host, ns);
        var all = new string?[columns.Count];
        var given = cells ?? [];
        int own = Columns(view).Count;
        for (int i = 0; i < own && i < given.Length; i++)
        {
            all[i] = given[i];
        }

        if (ns)
        {
            all[own] = networkNamespace;
        }

        if (host)
        {
            all[^1] = computerName;
        }

        return Layout(columns, width, all);
    }

    private static IReadOnlyList<ViewColumn> Columns(string view, bool computerName, bool networkNamespace = false) =>
        (computerName, networkNamespace) switch
        {
            (false, false) => Columns(view),
            (true, false) => [.. Columns(view), ComputerName],
            (false, true) => [.. Columns(view), Namespace],
            _ => [.. Columns(view), Namespace, ComputerName],
        };

    /// <summary>
    /// Lays out <paramref name="cells"/> in <paramref name="columns"/> (see the class summary). A cell
    /// takes at least its column's width when deciding whether it fits, so rows and the header break
    /// at the same columns unless a longer cell makes a row break sooner.
    /// </summary>
    public static string Layout(IReadOnlyList<ViewColumn> columns, int width, IReadOnlyList<string?> cells)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(cells);
        int lineWidth = width > 0 ? width : DefaultWidth;
        bool wide = columns.Sum(c => c.Width) + columns.Count - 1 <= lineWidth;
        int indent = (wide ? columns[0].Width : columns[0].Compact) + 1;
        int last = Math.Min(cells.Count, columns.Count) - 1;
        while (last >= 0 && string.IsNullOrEmpty(cells[last]))
        {
            last--;
        }

        var lines = new List<string>();
        var line = new StringBuilder(Math.Min(lineWidth, 256));
        bool lineHasCell = false;
        for (int i = 0; i <= last; i++)
        {
            string cell = cells[i] ?? string.Empty;
            var column = columns[i];
            string text = Pad(cell, wide ? column.Width : column.Compact, column.RightAligned);
            int start = lineHasCell ? line.Length + 1 : line.Length;
            int length = Math.Max(text.TrimEnd().Length, wide ? column.Width : column.Compact);
            if (lineHasCell && start + length > lineWidth)
            {
                lines.Add(line.ToString().TrimEnd());
                line.Clear();
                lineHasCell = false;
                if (indent + text.TrimEnd().Length <= lineWidth)
                {
                    line.Append(' ', indent);
                }
                else if (indent + cell.Length <= lineWidth)
                {
                    line.Append(' ', indent);
                    text = cell;
                }
                else
                {
                    text = cell;
                }
            }

            if (lineHasCell)
            {
                line.Append(' ');
            }

            line.Append(text);
            lineHasCell = true;
        }

        lines.Add(line.ToString().TrimEnd());
        return string.Join('\n', lines);
    }

    private static string Pad(string cell, int width, bool right) =>
        cell.Length >= width ? cell : right ? cell.PadLeft(width) : cell.PadRight(width);
}
