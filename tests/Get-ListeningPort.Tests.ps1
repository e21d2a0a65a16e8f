#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Run as root (ip netns): ./build.ps1 -Task Test. Every socket lives in a namespace this file creates and deletes.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' 'output' 'SocketTools') -Force
    $script:ns = 'stt-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    & ip netns add $script:ns
    & ip -n $script:ns link set lo up

    # A TCP listener on 7300, an unconnected UDP socket on 7301 and a connected one (not listening).
    $python = @'
import os, socket, time
tcp = socket.socket()
tcp.bind(("127.0.0.1", 7300))
tcp.listen(17)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("0.0.0.0", 7301))
connected = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
connected.connect(("127.0.0.1", 7301))
print(os.getpid(), flush=True)
time.sleep(600)
'@
    $psi = [System.Diagnostics.ProcessStartInfo]::new('ip')
    foreach ($argument in @('netns', 'exec', $script:ns, 'python3', '-c', $python)) {
        $psi.ArgumentList.Add($argument)
    }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $script:listener = [System.Diagnostics.Process]::Start($psi)
    $script:listenerPid = [int]$script:listener.StandardOutput.ReadLine()
}

AfterAll {
    if ($script:listener -and -not $script:listener.HasExited) {
        $script:listener.Kill($true)
        $script:listener.WaitForExit(5000) | Out-Null
    }
    & ip netns del $script:ns
}

Describe 'Get-ListeningPort' {
    It 'finds the listener on a port and the process that holds it' {
        $sockets = @(Get-ListeningPort 7300 -NetworkNamespace $script:ns)
        $sockets.Count | Should -Be 1
        $sockets[0] | Should -BeOfType ([SocketTools.SocketInfo])
        $sockets[0].State | Should -Be ([SocketTools.SocketState]::Listen)
        $sockets[0].SendQ | Should -Be 17
        $sockets[0].OwningProcess | Should -Be $script:listenerPid
        $sockets[0].Owners[0].ProcessId | Should -Be $script:listenerPid
        $sockets[0].Owners[0].ProcessName | Should -Be 'python3'
    }

    It 'lists unconnected UDP sockets and leaves out connected ones' {
        $udp = @(Get-ListeningPort -Protocol Udp -NetworkNamespace $script:ns)
        $udp.Count | Should -Be 1
        $udp[0].LocalPort | Should -Be 7301
        $udp[0].OwningProcess | Should -Be $script:listenerPid
    }

    It 'gives its objects the listening type name and keeps the Port alias' {
        $socket = Get-ListeningPort 7300 -NetworkNamespace $script:ns
        $socket.PSObject.TypeNames[0] | Should -Be 'SocketTools.SocketInfo#Listening'
        $socket.PSObject.TypeNames | Should -Contain 'SocketTools.SocketInfo'
        @(Get-ListeningPort -NetworkNamespace $script:ns | Where-Object Port -EQ 7300).Count | Should -Be 1
    }

    It 'prints what ss -lntup prints in its default view, owners included' {
        # A row that does not fit the host's width continues on indented lines; with the line breaks
        # made spaces, the row reads as ss's line.
        $text = (Get-ListeningPort 7300 -NetworkNamespace $script:ns | Format-Table | Out-String -Width 400) -replace '\s+', ' '
        $text | Should -Match 'Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process'
        $ss = (& ip netns exec $script:ns ss -Hlntp 'sport = :7300') -split '\s+' | Where-Object { $_ }
        # ss -Hlntp: State Recv-Q Send-Q Local Peer Process (one protocol, so no Netid column).
        $ss.Count | Should -Be 6
        $text | Should -Match ([regex]::Escape(' tcp ' + ($ss -join ' ') + ' '))
    }

    It 'prints what netstat -tlnp prints with the netstat view' {
        $text = (Get-ListeningPort 7300 -NetworkNamespace $script:ns | Format-Table -View netstat | Out-String -Width 400) -replace '\s+', ' '
        $text | Should -Match 'Proto Recv-Q Send-Q Local Address Foreign Address State PID/Program name'
        $theirs = (& ip netns exec $script:ns netstat -tlnp | Where-Object { $_ -match ':7300' }).Trim() -replace '\s+', ' '
        $theirs | Should -Match "$($script:listenerPid)/python3"
        $text | Should -Match ([regex]::Escape(" $theirs "))
    }

    It 'rejects a protocol that cannot listen with an InvalidArgument error' {
        { Get-ListeningPort -Protocol Unix } | Should -Throw -ErrorId 'ListeningProtocolNotSupported,SocketTools.Commands.GetListeningPortCommand'
    }

    It 'rejects a port outside 0-65535' {
        { Get-ListeningPort 70000 } | Should -Throw
    }
}
