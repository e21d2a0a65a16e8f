namespace SocketTools.Query;

/// <summary>
/// A parsed ss filter expression (ss's ssfilter.y language). The language itself comes with the
/// query-language work; this is the seam the query and the sources use.
/// </summary>
public sealed class FilterExpression
{
    private FilterExpression(string text) => Text = text;

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>Parses an expression; a syntax error is an InvalidArgument <see cref="SocketToolsException"/>.</summary>
    public static FilterExpression Parse(string text) =>
        throw new SocketToolsException("FilterNotSupported", ErrorKind.NotSpecified, "Filter expressions are not implemented yet.");

    /// <summary>Whether a socket satisfies the expression.</summary>
    public bool Matches(SocketInfo socket) => true;
}
