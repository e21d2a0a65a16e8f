#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Live tests need root and ip netns (tests/common.ps1) and are skipped without them. Close-Socket
# only ever closes sockets of the namespaces this file creates and deletes.

BeforeDiscovery { . (Join-Path $PSScriptRoot 'common.ps1') }

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module $ModulePath -Force
    # A holder: listeners on 9000 and 9001; three connections to 9000 and one to 9001; and two
    # connections to 7000 whose server ends it closes, so its clients sit in CLOSE-WAIT.
    $script:holderCode = @'
import socket, os, sys, time
def listen(port):
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("127.0.0.1", port)); l.listen(16); return l
keep = []
a, b, w = listen(9000), listen(9001), listen(7000)
for listener, n in ((a, 3), (b, 1)):
    for i in range(n):
        c = socket.create_connection(("127.0.0.1", listener.getsockname()[1])); s, _ = listener.accept()
        keep += [c, s]
for i in range(2):
    c = socket.create_connection(("127.0.0.1", 7000)); s, _ = w.accept()
    s.close(); keep.append(c)
time.sleep(0.2)
print(os.getpid(), flush=True)
sys.stdin.read()
'@
}

Describe 'Close-Socket' -Skip:(-not $LiveTier) {
    BeforeEach {
        $script:ns = $script:holder = $null
        $script:ns = New-TestNamespace -Prefix 'stt-pester-close'
        $script:holder = Start-NamespacePython -Namespace $script:ns -Code $script:holderCode
    }

    AfterEach {
        try { Stop-NamespaceProcess $script:holder } finally { Remove-TestNamespace $script:ns }
    }

    It '-WhatIf says exactly what it would close, and closes nothing' {
        $before = @(Invoke-InNamespace $script:ns ss -Htn state close-wait)
        $before.Count | Should -Be 2
        $pwsh = Get-PwshCommand
        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -Command @"
Import-Module '$ModulePath'
Get-SocketStat -NetworkNamespace $($script:ns) -State CloseWait -ProcessName python* | Close-Socket -NetworkNamespace $($script:ns) -WhatIf
"@
        $whatIf = @($output | Where-Object { $_ -like 'What if:*' })
        $whatIf.Count | Should -Be 2
        foreach ($line in $whatIf) {
            $line | Should -Match 'Close socket'
            $line | Should -Match 'tcp CLOSE-WAIT \d+ \d+ 127\.0\.0\.1:\d+ 127\.0\.0\.1:7000 sk:[0-9a-f]+'
            $line | Should -Match "users:\(\(`"python3`",pid=$($script:holder.FirstLine),fd=\d+\)\)"
        }
        @(Invoke-InNamespace $script:ns ss -Htn state close-wait) | Should -Be $before
    }

    It '-Confirm:$false closes the selected connections: ss no longer lists them, the peers were reset, the rest is untouched' {
        $others = @(Invoke-InNamespace $script:ns ss -Htn '( dport = :9001 or sport = :9001 or dport = :7000 )')
        $closed = @(Get-SocketStat -NetworkNamespace $script:ns -RemotePort 9000 |
                Close-Socket -NetworkNamespace $script:ns -Confirm:$false -PassThru)
        $closed.Count | Should -Be 3
        $closed | ForEach-Object { $_.RemotePort | Should -Be 9000 }
        Start-Sleep -Milliseconds 200
        @(Invoke-InNamespace $script:ns ss -Htn 'dport = :9000').Count | Should -Be 0
        # The server ends got a reset, so the kernel closed them too: only the listener keeps port 9000.
        @(Invoke-InNamespace $script:ns ss -Htan 'sport = :9000') | Should -HaveCount 1
        (Invoke-InNamespace $script:ns ss -Htan 'sport = :9000') | Should -Match 'LISTEN'
        @(Invoke-InNamespace $script:ns ss -Htn '( dport = :9001 or sport = :9001 or dport = :7000 )') | Should -Be $others
    }

    It 'refuses a listener without -Force and closes it with -Force' {
        $listener = Get-SocketStat -NetworkNamespace $script:ns -Listening -LocalPort 9001
        $listener | Should -HaveCount 1
        $listener | Close-Socket -NetworkNamespace $script:ns -Confirm:$false -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused | Should -HaveCount 1
        $refused[0].FullyQualifiedErrorId | Should -Be 'ListeningSocketNotClosed,SocketTools.Commands.CloseSocketCommand'
        $refused[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        @(Invoke-InNamespace $script:ns ss -Htln 'sport = :9001') | Should -HaveCount 1

        $listener | Close-Socket -NetworkNamespace $script:ns -Force -Confirm:$false
        @(Invoke-InNamespace $script:ns ss -Htln 'sport = :9001') | Should -HaveCount 0
        # Its established connection is another socket: still there.
        @(Invoke-InNamespace $script:ns ss -Htn 'dport = :9001') | Should -HaveCount 1
    }

    It 'reports a socket that is gone already as ObjectNotFound and goes on' {
        $sockets = @(Get-SocketStat -NetworkNamespace $script:ns -RemotePort 9000)
        $sockets[0] | Close-Socket -NetworkNamespace $script:ns -Confirm:$false
        $closed = @($sockets | Close-Socket -NetworkNamespace $script:ns -Confirm:$false -PassThru -ErrorVariable gone -ErrorAction SilentlyContinue)
        $closed.Count | Should -Be 2
        $gone | Should -HaveCount 1
        $gone[0].FullyQualifiedErrorId | Should -Be 'SocketNotFound,SocketTools.Commands.CloseSocketCommand'
        $gone[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
