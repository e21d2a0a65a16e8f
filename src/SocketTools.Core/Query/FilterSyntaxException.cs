namespace SocketTools.Query;

/// <summary>A -Filter expression that does not parse: says where (1-based column) and what was expected.</summary>
public sealed class FilterSyntaxException : SocketToolsException
{
    /// <summary>Creates the error for <paramref name="expression"/> at <paramref name="column"/>.</summary>
    public FilterSyntaxException(string expression, int column, string expected, string? found)
        : base("FilterSyntaxError", ErrorKind.InvalidArgument,
              $"Filter '{expression}', column {column}: expected {expected}{(found is null ? " (the expression ended)" : "")}.")
    {
        Expression = expression;
        Target = expression;
        Column = column;
        Expected = expected;
        Found = found;
    }

    /// <summary>The expression as written.</summary>
    public string Expression { get; }

    /// <summary>The 1-based column of the word where the error was found (one past the end when the expression ended too soon).</summary>
    public int Column { get; }

    /// <summary>What the parser expected there.</summary>
    public string Expected { get; }

    /// <summary>The word found there, or null when the expression ended.</summary>
    public string? Found { get; }
}
