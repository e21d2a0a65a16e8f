using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SocketTools.Query;

namespace SocketTools.Commands;

/// <summary>Completes -State with PowerShell names, ss spellings and ss's state groups.</summary>
public sealed class StateCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = wordToComplete.Trim('\'', '"');
        foreach (string name in StateSet.CompletionNames)
        {
            if (name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            {
                string text = name.Contains('-') ? $"'{name}'" : name;
                yield return new CompletionResult(text, name, CompletionResultType.ParameterValue, name);
            }
        }
    }
}
