namespace SocketTools.Text;

/// <summary>
/// One column of a text view (see <see cref="ViewLayout"/>): its header label, the width its cells
/// are padded to when the whole row fits the line (<paramref name="Width"/>) and when it does not
/// (<paramref name="Compact"/>), and its alignment. Padding never cuts: a longer cell pushes the
/// cells after it to the right. For the last column, <paramref name="Width"/> is the length its
/// cells typically have, which decides whether the row fits.
/// </summary>
/// <param name="Label">The header label.</param>
/// <param name="Width">The padded width when the whole row fits the line.</param>
/// <param name="Compact">The padded width when it does not.</param>
/// <param name="RightAligned">True for numbers and ss's local address, padded on the left.</param>
public sealed record ViewColumn(string Label, int Width, int Compact, bool RightAligned = false);
