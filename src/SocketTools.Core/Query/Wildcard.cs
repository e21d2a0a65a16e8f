namespace SocketTools.Query;

/// <summary>
/// PowerShell-style wildcard matching in the core (which has no PowerShell reference): <c>*</c> any
/// run, <c>?</c> one character, <c>[abc]</c> / <c>[a-z]</c> a set, and a backtick escapes the next
/// character. Matching is case-insensitive, as -Name of Get-Process is, although Linux process
/// names (comm) are case-sensitive: <c>-ProcessName SSHD</c> finds sshd.
/// </summary>
public sealed class Wildcard
{
    private readonly string _pattern;

    /// <summary>Parses a pattern.</summary>
    public Wildcard(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        _pattern = pattern;
    }

    /// <summary>Whether the pattern has wildcard characters (otherwise it is an exact, case-insensitive name).</summary>
    public bool HasWildcards => ContainsWildcards(_pattern);

    /// <summary>Whether the text contains *, ? or [ that are not escaped with a backtick.</summary>
    public static bool ContainsWildcards(string pattern)
    {
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '`')
            {
                i++;
            }
            else if (c is '*' or '?' or '[')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="text"/> matches any of <paramref name="patterns"/>.</summary>
    public static bool MatchesAny(IEnumerable<Wildcard> patterns, string? text)
    {
        if (text is null)
        {
            return false;
        }

        foreach (var p in patterns)
        {
            if (p.IsMatch(text))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the whole of <paramref name="text"/> matches the pattern.</summary>
    public bool IsMatch(string text) => Match(_pattern, 0, text, 0);

    /// <inheritdoc />
    public override string ToString() => _pattern;

    private static bool Match(string p, int pi, string t, int ti)
    {
        // Iterative with one backtrack point for '*', recursive only through sets.
        int starP = -1, starT = -1;
        while (true)
        {
            if (pi < p.Length)
            {
                char c = p[pi];
                if (c == '*')
                {
                    starP = ++pi;
                    starT = ti;
                    continue;
                }

                if (ti < t.Length)
                {
                    if (c == '?')
                    {
                        pi++;
                        ti++;
                        continue;
                    }

                    if (c == '[')
                    {
                        int end = SetEnd(p, pi);
                        if (end > 0)
                        {
                            if (InSet(p, pi + 1, end, t[ti]))
                            {
                                pi = end + 1;
                                ti++;
                                continue;
                            }
                        }
                        else if (Same('[', t[ti]))
                        {
                            pi++;
                            ti++;
                            continue;
                        }
                    }
                    else
                    {
                        char literal = c;
                        int next = pi + 1;
                        if (c == '`' && pi + 1 < p.Length)
                        {
                            literal = p[pi + 1];
                            next = pi + 2;
                        }

                        if (Same(literal, t[ti]))
                        {
                            pi = next;
                            ti++;
                            continue;
                        }
                    }
                }
            }
            else if (ti == t.Length)
            {
                return true;
            }

            if (starP < 0 || starT >= t.Length)
            {
                return false;
            }

            pi = starP;
            ti = ++starT;
        }
    }

    /// <summary>The index of the ']' closing a set opened at <paramref name="open"/>, or -1.</summary>
    private static int SetEnd(string p, int open)
    {
        for (int i = open + 1; i < p.Length; i++)
        {
            if (p[i] == '`')
            {
                i++;
            }
            else if (p[i] == ']' && i > open + 1)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool InSet(string p, int from, int end, char c)
    {
        for (int i = from; i < end; i++)
        {
            char lo = p[i];
            if (lo == '`' && i + 1 < end)
            {
                lo = p[++i];
            }

            if (i + 2 < end && p[i + 1] == '-')
            {
                char hi = p[i + 2];
                i += 2;
                char l = char.ToLowerInvariant(c), u = char.ToUpperInvariant(c);
                if ((l >= lo && l <= hi) || (u >= lo && u <= hi) || (c >= lo && c <= hi))
                {
                    return true;
                }

                continue;
            }

            if (Same(lo, c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Same(char a, char b) =>
        a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}
