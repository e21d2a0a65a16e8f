using System.Text;
using System.Text.RegularExpressions;

namespace SocketTools.Tests.Static;

/// <summary>One command call found in a PowerShell example: its name and the -Parameter names it passes.</summary>
public sealed record CommandCall(string Name, IReadOnlyList<string> Parameters, IReadOnlyList<(string Name, string? Value)> Arguments, int Statement);

/// <summary>
/// A small reader of the PowerShell in docs examples (there is no pwsh here to parse it): finds the
/// commands at command position (start of a statement, after |, ;, =, { or ( ) and the -Name
/// tokens given to each, skipping strings, comments and nested blocks, which are read on their own.
/// </summary>
public static class DocExamples
{
    private enum Kind { Word, Param, Str, Open, Close, Pipe, End, Assign }

    private readonly record struct Token(Kind Kind, string Text);

    /// <summary>The ```powershell fenced blocks of a markdown file (output goes in ```text fences and is not read).</summary>
    public static IEnumerable<string> PowerShellBlocks(string markdown)
    {
        foreach (Match m in Regex.Matches(markdown, @"^```(?:powershell|PowerShell|ps1|pwsh)[ \t]*\r?\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline))
        {
            yield return m.Groups[1].Value;
        }
    }

    private static List<Token> Tokenize(string code)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < code.Length)
        {
            char c = code[i];
            if (c == '`' && i + 1 < code.Length && (code[i + 1] == '\n' || code[i + 1] == '\r'))
            {
                i += 2; // line continuation
                while (i < code.Length && code[i] is '\n' or '\r') { i++; }
                continue;
            }

            if (c is ' ' or '\t' or '\r') { i++; continue; }
            if (c == '\n') { tokens.Add(new(Kind.End, "\n")); i++; continue; }
            if (c == '#') { while (i < code.Length && code[i] != '\n') { i++; } continue; }
            if (c is '\'' or '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < code.Length)
                {
                    if (code[i] == c && i + 1 < code.Length && code[i + 1] == c) { sb.Append(c); i += 2; continue; }
                    if (c == '"' && code[i] == '`' && i + 1 < code.Length) { sb.Append(code[i + 1]); i += 2; continue; }
                    if (code[i] == c) { i++; break; }
                    sb.Append(code[i++]);
                }

                tokens.Add(new(Kind.Str, sb.ToString()));
                continue;
            }

            if (c == '@' && i + 1 < code.Length && code[i + 1] is '(' or '{') { tokens.Add(new(Kind.Open, code[i + 1].ToString())); i += 2; continue; }
            if (c == '$' && i + 1 < code.Length && code[i + 1] == '(') { tokens.Add(new(Kind.Open, "(")); i += 2; continue; }
            if (c is '(' or '{') { tokens.Add(new(Kind.Open, c.ToString())); i++; continue; }
            if (c is ')' or '}') { tokens.Add(new(Kind.Close, c.ToString())); i++; continue; }
            if (c == '|') { tokens.Add(new(Kind.Pipe, "|")); i++; continue; }
            if (c == ';') { tokens.Add(new(Kind.End, ";")); i++; continue; }
            if (c == '=' ) { tokens.Add(new(Kind.Assign, "=")); i++; continue; }
            int start = i;
            while (i < code.Length && code[i] is not (' ' or '\t' or '\r' or '\n' or '|' or ';' or '(' or ')' or '{' or '}' or '\'' or '"' or '='))
            {
                i++;
            }

            string word = code[start..i];
            bool param = word.Length > 1 && word[0] == '-' && char.IsLetter(word[1]);
            tokens.Add(new(param ? Kind.Param : Kind.Word, param ? word[1..].Split(':')[0] : word));
        }

        return tokens;
    }

    /// <summary>Every command called in <paramref name="code"/>, in order, nested blocks included.</summary>
    public static IReadOnlyList<CommandCall> Calls(string code)
    {
        var tokens = Tokenize(code);
        var calls = new List<(string Name, List<string> Params, List<(string, string?)> Args, int Statement)>();
        var active = new Stack<int?>();   // the call collecting parameters at each nesting depth
        active.Push(null);
        bool commandPosition = true;
        int statement = 0;
        for (int t = 0; t < tokens.Count; t++)
        {
            var token = tokens[t];
            switch (token.Kind)
            {
                case Kind.Open:
                    active.Push(null);
                    commandPosition = true;
                    break;
                case Kind.Close:
                    if (active.Count > 1) { active.Pop(); }
                    commandPosition = false;
                    break;
                case Kind.Pipe:
                case Kind.Assign:
                    active.Pop(); active.Push(null);
                    commandPosition = true;
                    break;
                case Kind.End when token.Text == "\n" && t > 0 && tokens[t - 1].Kind == Kind.Pipe:
                    break; // a pipeline that goes on on the next line
                case Kind.End:
                    active.Pop(); active.Push(null);
                    commandPosition = true;
                    if (active.Count == 1) { statement++; }
                    break;
                case Kind.Word when commandPosition:
                    commandPosition = false;
                    if (token.Text is "&" or ".") { commandPosition = true; break; }
                    calls.Add((token.Text, [], [], statement));
                    active.Pop(); active.Push(calls.Count - 1);
                    break;
                case Kind.Param:
                    commandPosition = false;
                    if (active.Peek() is int index)
                    {
                        calls[index].Params.Add(token.Text);
                        string? value = t + 1 < tokens.Count && tokens[t + 1].Kind is Kind.Word or Kind.Str ? tokens[t + 1].Text : null;
                        calls[index].Args.Add((token.Text, value));
                    }

                    break;
                default:
                    commandPosition = false;
                    break;
            }
        }

        return calls.Select(c => new CommandCall(c.Name, c.Params, c.Args, c.Statement)).ToList();
    }

    /// <summary>Whether <paramref name="name"/> has the Verb-Noun shape of a cmdlet (natives such as ip or ss do not).</summary>
    public static bool IsCmdletName(string name) => Regex.IsMatch(name, @"^[A-Za-z]+-[A-Za-z][A-Za-z0-9]*$");
}
