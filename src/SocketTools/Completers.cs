using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SocketTools.Platform;
using SocketTools.Query;

namespace SocketTools.Commands;

/// <summary>Completes -State with PowerShell names, ss spellings and ss's state groups.</summary>
public sealed class StateCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        // TIME_ completes like time- and Time: netstat's spellings are the same names.
        string word = StateSet.Normalize(wordToComplete.Trim('\'', '"'));
        foreach (string name in StateSet.CompletionNames)
        {
            if (StateSet.Normalize(name).StartsWith(word, StringComparison.OrdinalIgnoreCase))
            {
                string text = name.Contains('-') ? $"'{name}'" : name;
                yield return new CompletionResult(text, name, CompletionResultType.ParameterValue, name);
            }
        }
    }
}

/// <summary>
/// Completes -LocalPort, -Port and -RemotePort with ports in use: listening ports first, then the
/// local ports of connections (or, for -RemotePort, the peers' ports by how many connections use
/// them). Honours -NetworkNamespace when it is already on the command line.
/// </summary>
public sealed class PortCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var end = string.Equals(parameterName, "RemotePort", StringComparison.OrdinalIgnoreCase) ? PortEnd.Remote : PortEnd.Local;
        string? ns = fakeBoundParameters?["NetworkNamespace"] as string;
        foreach (var candidate in PortCompletion.Complete(end, wordToComplete, ns))
        {
            string text = candidate.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            yield return new CompletionResult(text, candidate.ListItem, CompletionResultType.ParameterValue, candidate.ToolTip);
        }
    }
}

/// <summary>
/// Completes Get-ListeningPort -Port with the ports of listening TCP and bound, unconnected UDP
/// sockets only: what Get-ListeningPort can list. Honours -NetworkNamespace when it is already on the command line.
/// </summary>
public sealed class ListeningPortCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string? ns = fakeBoundParameters?["NetworkNamespace"] as string;
        foreach (var candidate in PortCompletion.CompleteListening(wordToComplete, ns))
        {
            string text = candidate.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            yield return new CompletionResult(text, candidate.ListItem, CompletionResultType.ParameterValue, candidate.ToolTip);
        }
    }
}

/// <summary>
/// Completes -NetworkNamespace with the names 'ip netns list' shows (the files in /run/netns), and,
/// for a word that starts like net:[, the namespaces without a name (as lsns -t net finds them). A
/// word that starts with '/' gets no names, so PowerShell completes it as a path (/proc/PID/ns/net).
/// </summary>
public sealed class NetworkNamespaceCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = wordToComplete.Trim('\'', '"');
        if (word.StartsWith('/'))
        {
            yield break;
        }

        foreach (string name in SocketPlatform.Current.Namespaces.Names())
        {
            if (name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            {
                yield return new CompletionResult(Quote(name), name, CompletionResultType.ParameterValue, SocketPlatform.Current.Namespaces.PathOf(name));
            }
        }

        // Namespaces without a name (containers, unshare -n), as net:[INODE], once the word asks for them.
        if (word.Length > 0 && "net:[".StartsWith(word.Length > 5 ? word[..5] : word, StringComparison.OrdinalIgnoreCase))
        {
            foreach (var ns in SocketPlatform.Current.Namespaces.List(out _))
            {
                if (ns.Name.StartsWith("net:[", StringComparison.Ordinal) && ns.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                {
                    yield return new CompletionResult(Quote(ns.Name), ns.Name, CompletionResultType.ParameterValue,
                        ns.IsCurrent ? $"{ns.Name}: this namespace" : $"{ns.Name}: {ns.Path}");
                }
            }
        }
    }

    /// <summary>The name as a PowerShell argument: quoted when it holds characters PowerShell would read otherwise.</summary>
    internal static string Quote(string name) =>
        name.Any(c => char.IsWhiteSpace(c) || "'\"`$()[]{};,&|<>@#*?".Contains(c)) ? $"'{name.Replace("'", "''", StringComparison.Ordinal)}'" : name;
}

/// <summary>Completes -ProcessName and -Name with the names (comm) of the running processes.</summary>
public sealed class ProcessNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = wordToComplete.Trim('\'', '"');
        foreach (string name in SocketPlatform.Current.Processes.RunningNames())
        {
            if (name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            {
                yield return new CompletionResult(NetworkNamespaceCompleter.Quote(name), name, CompletionResultType.ParameterValue, name);
            }
        }
    }
}
