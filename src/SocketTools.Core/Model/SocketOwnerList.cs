using System.Collections;
using System.Runtime.CompilerServices;

namespace SocketTools;

/// <summary>
/// The processes that hold a socket, in the order ss -p prints them. A read-only list whose text is
/// ss's users:(("sshd",pid=1039,fd=3),…) cell, so Export-Csv and string conversion write that
/// rather than a type name; ConvertTo-Json and remoting see a plain array of owners.
/// </summary>
[CollectionBuilder(typeof(SocketOwnerList), nameof(Create))]
public sealed class SocketOwnerList : IReadOnlyList<SocketOwner>
{
    private readonly SocketOwner[] _owners;

    /// <summary>An empty list.</summary>
    public static SocketOwnerList Empty { get; } = new([]);

    /// <summary>Wraps <paramref name="owners"/> (not copied: do not change the array afterwards).</summary>
    public SocketOwnerList(SocketOwner[] owners) => _owners = owners ?? [];

    /// <summary>Builds a list from a collection expression: <c>Owners = [owner1, owner2]</c>.</summary>
    public static SocketOwnerList Create(ReadOnlySpan<SocketOwner> owners) => owners.ToArray();

    /// <summary>Lets code assign an array: <c>Owners = owners.ToArray()</c>.</summary>
    public static implicit operator SocketOwnerList(SocketOwner[]? owners) =>
        owners is null || owners.Length == 0 ? Empty : new SocketOwnerList(owners);

    /// <summary>The number of owners.</summary>
    public int Count => _owners.Length;

    /// <summary>The owner at <paramref name="index"/>.</summary>
    public SocketOwner this[int index] => _owners[index];

    /// <inheritdoc />
    public IEnumerator<SocketOwner> GetEnumerator() => ((IEnumerable<SocketOwner>)_owners).GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => _owners.GetEnumerator();

    /// <summary>ss -p's cell: users:(("sshd",pid=1039,fd=3),…), empty when there are none.</summary>
    public override string ToString() => Text.SsText.Users(_owners);
}
