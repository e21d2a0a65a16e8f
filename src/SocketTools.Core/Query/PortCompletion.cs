using System.Globalization;
using SocketTools.Text;

namespace SocketTools.Query;

/// <summary>
/// Ports in use, for tab completion of -LocalPort, -RemotePort and -Port: listening ports first
/// (one kernel-filtered query), then the local ports of connections; remote ports by how many
/// connections use them. Never throws: a completer must not break the prompt.
/// </summary>
public static class PortCompletion
{
    /// <summary>At most this many completions are offered.</summary>
    public const int MaxResults = 64;

    private static readonly Lazy<Dictionary<int, string>> ServiceNames = new(() =>
    {
        var names = new Dictionary<int, string>();
        foreach (string name in Services.Names)
        {
            if (Services.Lookup(name) is int port)
            {
                names.TryAdd(port, name);
            }
        }

        return names;
    });

    /// <summary>The service name /etc/services gives <paramref name="port"/> first, or null.</summary>
    public static string? ServiceName(int port) => ServiceNames.Value.GetValueOrDefault(port);

    /// <summary>
    /// Completions for Get-ListeningPort -Port: the ports of listening TCP and bound, unconnected UDP
    /// sockets only (one kernel-filtered query), as Get-ListeningPort would list them.
    /// </summary>
    public static IReadOnlyList<PortCandidate> CompleteListening(string? word, string? networkNamespace = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var query = new SocketQuery
            {
                NetworkNamespace = string.IsNullOrWhiteSpace(networkNamespace) ? null : networkNamespace,
                States = StateSet.Listening,
            };
            return Complete(PortEnd.Local, word, SocketReader.Read(query, null, cancellationToken)).Where(c => c.Listening).ToList();
        }
        catch (Exception)
        {
            // As Complete: a completer offers nothing rather than break the prompt.
            return [];
        }
    }

    /// <summary>Completions for <paramref name="word"/> from the live sockets (of a namespace when given).</summary>
    public static IReadOnlyList<PortCandidate> Complete(PortEnd end, string? word, string? networkNamespace = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var query = new SocketQuery
            {
                NetworkNamespace = string.IsNullOrWhiteSpace(networkNamespace) ? null : networkNamespace,
                States = end == PortEnd.Local ? StateSet.Listening : StateSet.Connected,
            };
            var sockets = SocketReader.Read(query, null, cancellationToken).ToList();
            var candidates = Complete(end, word, sockets);
            if (end == PortEnd.Local && candidates.Count < MaxResults)
            {
                // Then the local ports of connections (a second, kernel-filtered query).
                sockets.AddRange(SocketReader.Read(query with { States = StateSet.Connected }, null, cancellationToken));
                candidates = Complete(end, word, sockets);
            }

            return candidates;
        }
        catch (Exception)
        {
            // Netlink unavailable, a namespace that does not exist (yet), a cancelled prompt: offer nothing.
            return [];
        }
    }

    /// <summary>
    /// Completions for <paramref name="word"/> among <paramref name="sockets"/>. The word matches the
    /// start of a port's digits (80 matches 80 and 8080) or of its service name (ss matches 22, ssh).
    /// Quotes around the word are ignored.
    /// </summary>
    public static IReadOnlyList<PortCandidate> Complete(PortEnd end, string? word, IEnumerable<SocketInfo> sockets)
    {
        string w = (word ?? string.Empty).Trim('\'', '"');
        var groups = sockets
            .Where(s => s.Protocol is SocketProtocol.Tcp or SocketProtocol.Udp)
            .Select(s => (Port: end == PortEnd.Local ? s.LocalPort : s.RemotePort, Socket: s))
            .Where(x => x.Port != 0)
            .GroupBy(x => x.Port, x => x.Socket);

        var list = new List<(PortCandidate Candidate, int Count)>();
        foreach (var g in groups)
        {
            string? service = ServiceName(g.Key);
            string digits = g.Key.ToString(CultureInfo.InvariantCulture);
            if (w.Length > 0 && !digits.StartsWith(w, StringComparison.Ordinal)
                && !(service?.StartsWith(w, StringComparison.OrdinalIgnoreCase) ?? false))
            {
                continue;
            }

            bool listening = g.Any(IsListening);
            var shown = (listening ? g.Where(IsListening) : g).ToList();
            string endpoints = string.Join(", ", shown.Take(3).Select(s =>
                end == PortEnd.Local ? SsText.Local(s) : SsText.Peer(s)).Distinct());
            string kinds = string.Join(" ", shown.Select(s => $"{SsText.Netid(s.Protocol, s.Type)} {SsText.State(s.State)}").Distinct().Take(3));
            string tip = shown.Count > 3 ? $"{kinds} {endpoints} … ({shown.Count} sockets)" : $"{kinds} {endpoints}";
            string item = service is null ? digits : $"{digits} ({service})";
            list.Add((new PortCandidate(g.Key, item, tip, listening), g.Count()));
        }

        IEnumerable<(PortCandidate Candidate, int Count)> ordered = end == PortEnd.Local
            ? list.OrderByDescending(x => x.Candidate.Listening).ThenBy(x => x.Candidate.Port)
            : list.OrderByDescending(x => x.Count).ThenBy(x => x.Candidate.Port);
        return ordered.Take(MaxResults).Select(x => x.Candidate).ToList();
    }

    private static bool IsListening(SocketInfo s) =>
        s.State == SocketState.Listen || (s.Protocol == SocketProtocol.Udp && s.State == SocketState.Closed && s.RemotePort == 0);
}
