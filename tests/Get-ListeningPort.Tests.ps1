#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Live tests need root and ip netns (tests/common.ps1) and are skipped without them; ./build.ps1 -Task Test
# runs them as root. Every socket lives in a namespace this file creates and deletes.

BeforeDiscovery { . (Join-Path $PSScriptRoot 'common.ps1') }

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module $ModulePath -Force
}

Describe 'Get-ListeningPort' -Skip:(-not $LiveTier) {
    BeforeAll {
        $script:ns = $script:listener = $null
        $script:ns = New-TestNamespace
        # A TCP listener on 7300, an unconnected UDP socket on 7301 and a connected one (not listening).
        $script:listener = Start-NamespacePython -Namespace $script:ns -Code @'
import os, socket, sys
tcp = socket.socket()
tcp.bind(("127.0.0.1", 7300))
tcp.listen(17)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("0.0.0.0", 7301))
connected = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
connected.connect(("127.0.0.1", 7301))
print(os.getpid(), flush=True)
sys.stdin.read()
'@
        $script:listenerPid = [int]$script:listener.FirstLine
    }

    AfterAll {
        try { Stop-NamespaceProcess $script:listener } finally { Remove-TestNamespace $script:ns }
    }

    It 'finds the listener on a port and the process that holds it' {
        $sockets = @(Get-ListeningPort 7300 -NetworkNamespace $script:ns)
        $sockets.Count | Should -Be 1
        $sockets[0] | Should -BeOfType ([SocketTools.SocketInfo])
        $sockets[0].State | Should -Be ([SocketTools.SocketState]::Listen)
        $sockets[0].SendQ | Should -Be 17
        $sockets[0].OwningProcess | Should -Be $script:listenerPid
        $sockets[0].Owners[0].Id | Should -Be $script:listenerPid
        $sockets[0].Owners[0].Command | Should -Be 'python3'
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
        $ss = (Invoke-InNamespace $script:ns ss -Hlntp 'sport = :7300') -split '\s+' | Where-Object { $_ }
        # ss -Hlntp: State Recv-Q Send-Q Local Peer Process (one protocol, so no Netid column).
        $ss.Count | Should -Be 6
        $text | Should -Match ([regex]::Escape(' tcp ' + ($ss -join ' ') + ' '))
    }

    It 'prints what netstat -tlnp prints with the netstat view' {
        $text = (Get-ListeningPort 7300 -NetworkNamespace $script:ns | Format-Table -View netstat | Out-String -Width 400) -replace '\s+', ' '
        $text | Should -Match 'Proto Recv-Q Send-Q Local Address Foreign Address State PID/Program name'
        $theirs = (Invoke-InNamespace $script:ns netstat -tlnp | Where-Object { $_ -match ':7300' }).Trim() -replace '\s+', ' '
        $theirs | Should -Match "$($script:listenerPid)/python3"
        $text | Should -Match ([regex]::Escape(" $theirs "))
    }
}

Describe 'Get-ListeningPort parameter validation' {
    It 'rejects a protocol that cannot listen with an InvalidArgument error' {
        { Get-ListeningPort -Protocol Unix } | Should -Throw -ErrorId 'ListeningProtocolNotSupported,SocketTools.Commands.GetListeningPortCommand'
    }

    It 'rejects a port outside 0-65535' {
        { Get-ListeningPort 70000 } | Should -Throw
    }
}
