using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SocketTools.Query;

/// <summary>
/// A parsed ss filter expression (iproute2's ssfilter.y language):
/// <code>
/// filter  := { state STATE | exclude STATE } [ exprlist ]
/// exprlist:= expr { [ and | &amp; | &amp;&amp; | or | | | || ] expr }      (left to right, no precedence, as in ss)
/// expr    := ( exprlist ) | not expr | ! expr
///          | src [=] HOST | dst [=] HOST
///          | sport OP PORT | dport OP PORT          OP: = == eq != ne neq &lt; lt &lt;= le leq &gt; gt &gt;= ge geq, or none (=)
///          | dev [=|!=] NAME-OR-INDEX | fwmark [=|!=] MARK[/MASK] | autobound
/// HOST    := [inet:|inet6:] ( ADDR[/LEN][:PORT] | [ADDR][/LEN][:PORT] | *[:PORT] ); "src inet6 ::1" also works
/// PORT    := [:]( NUMBER | SERVICE | * )
/// </code>
/// Leading state clauses select states as ss's do (see <see cref="ApplyStates"/>); a family prefix
/// restricts the whole query to that family, as it does in ss (<see cref="Family"/>).
/// </summary>
public sealed class FilterExpression
{
    private readonly List<(bool Exclude, StateSet States)> _stateClauses;

    private FilterExpression(string text, FilterNode? root, List<(bool, StateSet)> stateClauses, SocketFamily? family)
    {
        Text = text;
        Root = root;
        _stateClauses = stateClauses;
        Family = family;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>The condition tree; null when the expression is only state clauses (or empty).</summary>
    public FilterNode? Root { get; }

    /// <summary>Whether the expression has state or exclude clauses.</summary>
    public bool HasStateClauses => _stateClauses.Count > 0;

    /// <summary>The family the last inet: / inet6: prefix named (ss then shows only that family), or null.</summary>
    public SocketFamily? Family { get; }

    /// <summary>
    /// Applies the state clauses as ss does: the first 'state' clause replaces <paramref name="current"/>
    /// (the set -Listening or -All chose) unless <paramref name="sawStates"/>, the first 'exclude'
    /// clause starts from all states; later clauses add ('state') or remove ('exclude').
    /// </summary>
    public StateSet ApplyStates(StateSet current, bool sawStates)
    {
        uint mask = current.Mask;
        foreach (var (exclude, states) in _stateClauses)
        {
            if (!sawStates)
            {
                mask = exclude ? StateSet.All.Mask : 0;
                sawStates = true;
            }

            mask = exclude ? mask & ~states.Mask : mask | states.Mask;
        }

        return new StateSet(mask);
    }

    /// <summary>Whether a socket satisfies the expression's conditions (state clauses are checked by the query's state set).</summary>
    public bool Matches(SocketInfo socket) => Root is null || Root.Matches(socket);

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>
    /// Parses an expression. A syntax error is a <see cref="FilterSyntaxException"/> (ErrorId
    /// FilterSyntaxError, InvalidArgument) naming the 1-based column and what was expected.
    /// </summary>
    public static FilterExpression Parse(string text, Func<string, int?>? serviceLookup = null) =>
        new Parser(text, serviceLookup ?? Services.Lookup).ParseFilter();

    private readonly record struct Token(string Text, int Column)
    {
        public bool Is(params string[] words)
        {
            foreach (string w in words)
            {
                if (string.Equals(Text, w, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class Parser
    {
        private static readonly string[] And = ["and", "&", "&&"];
        private static readonly string[] Or = ["or", "|", "||"];
        private static readonly string[] Not = ["not", "!"];
        private static readonly string[] Eq = ["=", "==", "eq"];
        private static readonly string[] Neq = ["!=", "ne", "neq"];
        private static readonly string[] Ge = [">=", "ge", "geq"];
        private static readonly string[] Le = ["<=", "le", "leq"];
        private static readonly string[] Gt = [">", "gt"];
        private static readonly string[] Lt = ["<", "lt"];
        private static readonly string[] Keywords =
            ["src", "dst", "sport", "dport", "dev", "fwmark", "autobound", "state", "exclude", "excl", "(", ")",
             "and", "&", "&&", "or", "|", "||", "not", "!"];

        private readonly string _text;
        private readonly Func<string, int?> _services;
        private readonly List<Token> _tokens;
        private int _pos;
        private SocketFamily? _family;

        public Parser(string text, Func<string, int?> services)
        {
            _text = text;
            _services = services;
            _tokens = Lex(text);
        }

        private Token? Peek => _pos < _tokens.Count ? _tokens[_pos] : null;

        private int EndColumn => _text.TrimEnd().Length + 1;

        public FilterExpression ParseFilter()
        {
            var clauses = new List<(bool, StateSet)>();
            while (Peek is Token t && t.Is("state", "exclude", "excl"))
            {
                _pos++;
                bool exclude = !t.Is("state");
                if (Peek is not Token name || IsKeyword(name))
                {
                    throw Error(Peek, $"a state name or group after '{t.Text}'",
                        "Use a state such as established or time-wait, or a group such as connected.");
                }

                _pos++;
                if (!StateSet.TryParse(name.Text, out var set))
                {
                    throw Error(name, $"a state name or group after '{t.Text}', not '{name.Text}'",
                        "Valid values: " + string.Join(", ", StateSet.CompletionNames) + ".");
                }

                clauses.Add((exclude, set));
            }

            FilterNode? root = null;
            if (Peek is not null)
            {
                root = ParseList();
                if (Peek is Token extra)
                {
                    throw extra.Text == ")"
                        ? Error(extra, "an expression before ')': this ')' has no matching '('")
                        : extra.Is("state", "exclude", "excl")
                            ? Error(extra, $"a condition, not '{extra.Text}': state clauses must come before the expression, as in ss")
                            : Error(extra, $"'and', 'or' or a condition, not '{extra.Text}'");
                }
            }

            return new FilterExpression(_text, root, clauses, _family);
        }

        // exprlist: expr { [and|or] expr }, left to right with no precedence, as ssfilter.y's grammar does.
        private FilterNode ParseList()
        {
            var left = ParseExpr();
            while (Peek is Token t && t.Text != ")")
            {
                if (t.Is(Or))
                {
                    _pos++;
                    left = new OrNode(left, ParseExpr(t));
                }
                else if (t.Is(And))
                {
                    _pos++;
                    left = new AndNode(left, ParseExpr(t));
                }
                else if (t.Is("state", "exclude", "excl"))
                {
                    break;
                }
                else
                {
                    left = new AndNode(left, ParseExpr());
                }
            }

            return left;
        }

        // expr: one condition, an alternative of ssfilter.y's expr production ('(' exprlist ')',
        // '!' expr, src/dst HOST, sport/dport OP PORT, dev, fwmark, autobound), picked by its first word.
        private FilterNode ParseExpr(Token? after = null)
        {
            if (Peek is not Token t)
            {
                throw Error(null, after is Token a ? $"a condition after '{a.Text}'" : "a condition");
            }

            _pos++;
            return t switch
            {
                _ when t.Text == "(" => ParseGroup(t),
                _ when t.Is(Not) => new NotNode(ParseExpr(t)),
                _ when t.Is("autobound") => new AutoBoundNode(),
                _ when t.Is("src", "dst") => ParseHostCondition(t),
                _ when t.Is("sport", "dport") => ParsePortCondition(t),
                _ when t.Is("dev") => ParseDeviceCondition(t),
                _ when t.Is("fwmark") => ParseMarkCondition(t),
                _ => throw NotACondition(t, after),
            };
        }

        // '(' exprlist ')'; open is the '(' already read.
        private FilterNode ParseGroup(Token open)
        {
            if (Peek is Token close && close.Text == ")")
            {
                throw Error(close, "a condition after '('");
            }

            var inner = ParseList();
            if (Peek is not Token end || end.Text != ")")
            {
                throw Error(Peek, $"')' to close the '(' at column {open.Column}");
            }

            _pos++;
            return inner;
        }

        // src [=] HOST | dst [=] HOST
        private FilterNode ParseHostCondition(Token keyword)
        {
            bool remote = keyword.Is("dst");
            Token op = keyword;
            if (Peek is Token eq && eq.Is(Eq))
            {
                _pos++;
                op = eq;
            }

            return ParseHost(remote, isPort: false, keyword, op);
        }

        // sport OP PORT | dport OP PORT; no operator means '='. '>' and '<' are the negations of
        // '<=' and '>=', as ssfilter.y builds them.
        private FilterNode ParsePortCondition(Token keyword)
        {
            bool remote = keyword.Is("dport");
            if (Peek is not Token op || IsKeyword(op) && !IsOperator(op))
            {
                throw Error(Peek, $"an operator or a port after '{keyword.Text}'");
            }

            if (IsOperator(op))
            {
                _pos++;
            }
            else
            {
                op = keyword;   // no operator: '='
            }

            var host = ParseHost(remote, isPort: true, keyword, op);
            int port = host.Port;
            return op switch
            {
                _ when op.Is(Ge) => new PortCompareNode(remote, true, port),
                _ when op.Is(Le) => new PortCompareNode(remote, false, port),
                _ when op.Is(Gt) => new NotNode(new PortCompareNode(remote, false, port)),
                _ when op.Is(Lt) => new NotNode(new PortCompareNode(remote, true, port)),
                _ when op.Is(Neq) => new NotNode(host),
                _ => host,
            };
        }

        // dev [=|!=] NAME-OR-INDEX
        private FilterNode ParseDeviceCondition(Token keyword)
        {
            bool negate = false;
            if (Peek is Token op && (op.Is(Eq) || op.Is(Neq)))
            {
                _pos++;
                negate = op.Is(Neq);
            }

            if (Peek is not Token dev || IsKeyword(dev) || IsOperator(dev))
            {
                throw Error(Peek, $"a device name or index after '{_tokens[_pos - 1].Text}'");
            }

            _pos++;
            FilterNode node = uint.TryParse(dev.Text, NumberStyles.None, CultureInfo.InvariantCulture, out uint index) && index <= int.MaxValue
                ? new DeviceNode((int)index)
                : new DeviceNode(dev.Text);
            return negate ? new NotNode(node) : node;
        }

        // fwmark [=|!=] MARK[/MASK], numbers as C's %i reads them.
        private FilterNode ParseMarkCondition(Token keyword)
        {
            bool negate = false;
            Token op = keyword;
            if (Peek is Token eq && (eq.Is(Eq) || eq.Is(Neq)))
            {
                _pos++;
                negate = eq.Is(Neq);
                op = eq;
            }

            string where = op.Text == keyword.Text ? "'fwmark'" : $"'fwmark {op.Text}'";
            if (Peek is not Token value || IsKeyword(value) || IsOperator(value))
            {
                throw Error(Peek, $"a mark such as 0x10 or 0x10/0xff after {where}");
            }

            _pos++;
            int slash = value.Text.IndexOf('/');
            uint mask = 0xffffffff;
            bool ok = TryCNumber(slash < 0 ? value.Text : value.Text[..slash], out uint mark)
                && (slash < 0 || TryCNumber(value.Text[(slash + 1)..], out mask));
            if (!ok)
            {
                throw Error(value, $"a mark such as 0x10 or 0x10/0xff after {where}, not '{value.Text}'");
            }

            FilterNode node = new MarkNode(mark, mask);
            return negate ? new NotNode(node) : node;
        }

        // A word that starts no condition: a stray ')', an operator, 'and'/'or', or an unknown word.
        private FilterSyntaxException NotACondition(Token t, Token? after)
        {
            if (t.Text == ")")
            {
                return Error(t, after is Token a ? $"a condition after '{a.Text}'" : "a condition before ')'");
            }

            if (IsOperator(t) || t.Is(And) || t.Is(Or))
            {
                return Error(t, after is Token a ? $"a condition after '{a.Text}', not '{t.Text}'" : $"a condition, not '{t.Text}'");
            }

            return Error(t, $"a condition (src, dst, sport, dport, dev, autobound, not, '('), not '{t.Text}'");
        }

        // HOST or PORT after src/dst/sport/dport: [family] then the address and port parts, each
        // checked in turn (so the first error in the word is the one reported).
        private HostNode ParseHost(bool remote, bool isPort, Token keyword, Token op)
        {
            string what = isPort ? "a port" : "an address";
            string after = op.Text == keyword.Text ? $"'{keyword.Text}'" : $"'{keyword.Text} {op.Text}'";
            if (Peek is not Token word || IsKeyword(word) || IsOperator(word))
            {
                throw Error(Peek, $"{what} after {after}");
            }

            _pos++;
            var (t, s, family) = ReadFamily(word, what);
            if (family is not null)
            {
                _family = family;
            }

            var (addressText, portText) = isPort ? (null, s) : SplitAddressAndPort(t, s);
            int port = ParsePort(t, portText, after);
            IPPrefix? prefix = null;
            if (!string.IsNullOrEmpty(addressText) && addressText != "*")
            {
                (prefix, family) = ParseAddress(t, addressText, family, what, after);
            }

            return new HostNode(remote, family, prefix, port);
        }

        // The family prefix of a HOST: inet: or inet6: written against it, or (our spelling,
        // "src inet6 ::1") the family as a word of its own, which moves on to the next word.
        // Returns the word the rest comes from, the rest, and the family named (null for none).
        private (Token At, string Text, SocketFamily? Family) ReadFamily(Token t, string what)
        {
            string s = t.Text;
            if ((t.Is("inet") || t.Is("inet6")) && Peek is Token next && !IsKeyword(next) && !IsOperator(next))
            {
                _pos++;
                return (next, next.Text, t.Is("inet") ? SocketFamily.IPv4 : SocketFamily.IPv6);
            }

            if (s.StartsWith("inet:", StringComparison.OrdinalIgnoreCase))
            {
                return (t, s[5..], SocketFamily.IPv4);
            }

            if (s.StartsWith("inet6:", StringComparison.OrdinalIgnoreCase))
            {
                return (t, s[6..], SocketFamily.IPv6);
            }

            if (s.Contains(':') && s.IndexOf(':') is int colon && colon > 0 && s[..colon] is string fam
                && fam.All(char.IsAsciiLetter) && fam is "unix" or "link" or "netlink" or "vsock")
            {
                throw Error(t, $"an inet or inet6 {what}: '{fam}:' conditions are not supported by -Filter");
            }

            return (t, s, null);
        }

        // ADDR[/LEN][:PORT], [ADDR][/LEN][:PORT] or *[:PORT] split into the address text (null for
        // none) and the port text (":PORT", or null for none). A bare IPv6 address has no port:
        // ss needs [ ] around it to give one.
        private (string? Address, string? Port) SplitAddressAndPort(Token t, string s)
        {
            if (s.StartsWith('['))
            {
                int close = s.IndexOf(']');
                if (close < 0)
                {
                    throw Error(t, $"']' to close the address '{s}'");
                }

                string rest = s[(close + 1)..];
                if (rest.Length > 0 && rest[0] != ':')
                {
                    throw Error(t, $"':PORT' after the bracketed address in '{s}'");
                }

                return (s[1..close], rest);
            }

            if (s.StartsWith('*'))
            {
                return (null, s[1..]);
            }

            int slash = s.IndexOf('/');
            int colon = s.LastIndexOf(':');
            if (slash < 0 && s.Count(c => c == ':') > 1 && IPAddress.TryParse(s, out _))
            {
                colon = -1;
            }

            return colon >= 0 && colon > slash ? (s[..colon], s[colon..]) : (s, null);
        }

        // PORT := [:]( NUMBER | SERVICE | * ); -1 for none or *.
        private int ParsePort(Token t, string? portText, string after)
        {
            if (string.IsNullOrEmpty(portText))
            {
                return -1;
            }

            string p = portText[0] == ':' ? portText[1..] : portText;
            if (p.Length == 0 || p == "*")
            {
                return -1;
            }

            if (int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                return n <= 65535 ? n : throw Error(t, $"a port from 0 to 65535 after {after}, not {n}");
            }

            return _services(p) is int service
                ? service
                : throw Error(t, $"a port after {after}: '{p}' is not a number or a service name in /etc/services");
        }

        // ADDR[/LEN] as a prefix, and its family, which must agree with a family the HOST named.
        private (IPPrefix Prefix, SocketFamily Family) ParseAddress(Token t, string addressText, SocketFamily? family,
            string what, string after)
        {
            if (!TryPrefix(addressText, out var parsed, out string why))
            {
                throw Error(t, $"{what} after {after}: {why}");
            }

            var parsedFamily = parsed.Address.AddressFamily == AddressFamily.InterNetwork ? SocketFamily.IPv4 : SocketFamily.IPv6;
            if (family is SocketFamily f && f != parsedFamily)
            {
                throw Error(t, $"an {(f == SocketFamily.IPv4 ? "IPv4" : "IPv6")} address after the family '{(f == SocketFamily.IPv4 ? "inet" : "inet6")}', not '{addressText}'");
            }

            return (parsed, parsedFamily);
        }

        private static bool TryPrefix(string text, out IPPrefix prefix, out string why)
        {
            prefix = default;
            int slash = text.IndexOf('/');
            string a = slash >= 0 ? text[..slash] : text;
            if (!IPAddress.TryParse(a, out var address) || a.Contains('%'))
            {
                why = $"'{a}' is not an IPv4 or IPv6 address (host names are not resolved)";
                return false;
            }

            int max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            int length = max;
            if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > max))
            {
                why = $"the prefix length in '{text}' must be a number from 0 to {max}";
                return false;
            }

            prefix = new IPPrefix(address, length);
            why = "";
            return true;
        }

        // A number as C's %i reads it: 0x hex, a leading 0 octal, else decimal.
        private static bool TryCNumber(string text, out uint value)
        {
            value = 0;
            try
            {
                if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length > 2)
                {
                    return uint.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
                }

                if (text.Length > 1 && text[0] == '0')
                {
                    value = Convert.ToUInt32(text[1..], 8);
                    return true;
                }
            }
            catch (FormatException)
            {
                return false;
            }
            catch (OverflowException)
            {
                return false;
            }

            return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }

        private static bool IsKeyword(Token t) => t.Is(Keywords);

        private static bool IsOperator(Token t) =>
            t.Is(Eq) || t.Is(Neq) || t.Is(Ge) || t.Is(Le) || t.Is(Gt) || t.Is(Lt);

        private FilterSyntaxException Error(Token? at, string expected, string? action = null) =>
            new(_text, at?.Column ?? EndColumn, expected, at?.Text)
            {
                RecommendedAction = action ?? "Check the expression against 'Get-Help Get-SocketStat -Parameter Filter' (ss's filter syntax).",
            };

        // Words are separated by blanks, as in ss; '(' and ')' are words of their own even when
        // written against a neighbour, and a leading '!' is split from the word it negates.
        private static List<Token> Lex(string text)
        {
            var tokens = new List<Token>();
            int i = 0;
            while (i < text.Length)
            {
                if (char.IsWhiteSpace(text[i]))
                {
                    i++;
                    continue;
                }

                if (text[i] is '(' or ')')
                {
                    tokens.Add(new Token(text[i].ToString(), i + 1));
                    i++;
                    continue;
                }

                if (text[i] == '!' && i + 1 < text.Length && text[i + 1] is not '=' and not ' ' and not '\t')
                {
                    tokens.Add(new Token("!", i + 1));
                    i++;
                    continue;
                }

                int start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not '(' and not ')')
                {
                    i++;
                }

                tokens.Add(new Token(text[start..i], start + 1));
            }

            return tokens;
        }
    }
}
