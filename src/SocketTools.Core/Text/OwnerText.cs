using System.Globalization;
using System.Text;

namespace SocketTools.Text;

/// <summary>
/// Owner cells built from plain arrays (what a view gets from <c>$_.Owners.ProcessName</c> etc.), so
/// deserialized objects, whose Owners are property bags, format the same as live ones.
/// </summary>
public static class OwnerText
{
    /// <summary>ss -p's process cell, users:(("sshd",pid=1039,fd=3),…), from parallel arrays; empty with no owners.</summary>
    public static string Users(string?[]? names, int[]? pids, int[]? fds)
    {
        if (names is null || pids is null || fds is null)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        int n = Math.Min(names.Length, Math.Min(pids.Length, fds.Length));
        for (int i = 0; i < n; i++)
        {
            if (pids[i] <= 0)
            {
                continue;
            }

            sb.Append(sb.Length == 0 ? "users:(" : ",");
            sb.Append(SsText.Owner(names[i] ?? string.Empty, pids[i], fds[i]));
        }

        return sb.Length == 0 ? string.Empty : sb.Append(')').ToString();
    }
}
