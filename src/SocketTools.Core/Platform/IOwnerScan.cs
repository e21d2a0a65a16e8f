namespace SocketTools.Platform;

/// <summary>An owner pass running in the background (<see cref="IOwnerResolver.StartScan"/>).</summary>
internal interface IOwnerScan : IDisposable
{
    /// <summary>Waits for the pass (the calling thread helps) and returns what it found.</summary>
    ISocketOwners Finish();
}
