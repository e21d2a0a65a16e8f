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
        # A TCP listener on 7300 and one on 22 (ssh), an unconnected UDP socket on 7301 and a connected
        # one (not listening).
        $script:listener = Start-NamespacePython -Namespace $script:ns -Code @'
import os, socket, sys
tcp = socket.socket()
tcp.bind(("127.0.0.1", 7300))
tcp.listen(17)
ssh = socket.socket()
ssh.bind(("127.0.0.1", 22))
ssh.listen(5)
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

    Context 'as a user of ss types it' {
        It 'takes a service name as ss does: Get-ListeningPort ssh is ss -lnt sport = :ssh' {
            $ours = @(Get-ListeningPort ssh -NetworkNamespace $script:ns)
            $theirs = @(Invoke-InNamespace $script:ns ss -Hlntu 'sport = :ssh')
            $ours.Count | Should -Be $theirs.Count
            $ours.Count | Should -Be 1
            $ours[0].LocalPort | Should -Be 22
            $ours[0].OwningProcess | Should -Be $script:listenerPid
        }

        It 'takes ports as ss writes them (:22), ranges and numbers in one list' {
            $ports = @(Get-ListeningPort ':22', '7300-7301' -NetworkNamespace $script:ns | ForEach-Object LocalPort | Sort-Object)
            $ports | Should -Be @(22, 7300, 7301)
        }

        It 'completes -Port with listening ports only, the ports ss -lntu shows' {
            $line = "Get-ListeningPort -NetworkNamespace $($script:ns) -Port "
            $offered = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | ForEach-Object { [int]$_ } | Sort-Object)
            $listening = @(Invoke-InNamespace $script:ns ss -Hlntu | ForEach-Object { [int](($_ -split '\s+')[4] -replace '^.*:', '') } | Sort-Object -Unique)
            $offered | Should -Be $listening
            # The connected UDP socket's port is a local port in use, but nothing listens on it.
            $connected = @(Invoke-InNamespace $script:ns ss -Hnu state established | ForEach-Object { [int](($_ -split '\s+')[2] -replace '^.*:', '') })
            $connected.Count | Should -Be 1
            $offered | Should -Not -Contain $connected[0]
        }
    }
}

Describe 'Get-ListeningPort parameter validation' {
    It 'rejects a protocol or family it cannot list in parameter validation, naming what it takes' {
        $caught = $null
        try { Get-ListeningPort -Protocol Unix } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'ParameterArgumentValidationError,SocketTools.Commands.GetListeningPortCommand'
        "$caught" | Should -Match 'Tcp,Udp'
        { Get-ListeningPort -Family Unix } | Should -Throw -ErrorId 'ParameterArgumentValidationError,SocketTools.Commands.GetListeningPortCommand'
    }

    It 'rejects a port outside 0-65535' {
        { Get-ListeningPort 70000 } | Should -Throw -ErrorId 'PortOutOfRange,SocketTools.Commands.GetListeningPortCommand'
    }

    It 'completes -<Parameter> with only what it accepts' -ForEach @(
        @{ Parameter = 'Protocol'; Values = @('Tcp', 'Udp') }
        @{ Parameter = 'Family'; Values = @('IPv4', 'IPv6') }
    ) {
        $line = "Get-ListeningPort -$Parameter "
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be $Values
    }
}
