#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Live tests need root and ip netns (tests/common.ps1) and are skipped without them. Every socket
# lives in a namespace this file creates and deletes.

BeforeDiscovery { . (Join-Path $PSScriptRoot 'common.ps1') }

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module $ModulePath -Force
}

Describe 'Watch-SocketEvent' -Skip:(-not $LiveTier) {
    BeforeAll {
        $script:ns = $null
        $script:ns = New-TestNamespace -Prefix 'stt-pester-events'
        # A "database" on 5432: after a second, two clients connect, send 3000 bytes, get 5000 back,
        # stay connected for three seconds (so a dump sees them and their owner even on a loaded
        # machine: a socket opened and closed between two dumps has no owner), and close.
        $script:database = @'
import socket, sys, time
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 5432))
listener.listen(8)
print(__import__("os").getpid(), flush=True)
time.sleep(1.5)
pairs = []
for i in range(2):
    c = socket.create_connection(("127.0.0.1", 5432))
    s, _ = listener.accept()
    c.sendall(b"q" * 3000)
    got = 0
    while got < 3000:
        got += len(s.recv(65536))
    s.sendall(b"r" * 5000)
    got = 0
    while got < 5000:
        got += len(c.recv(65536))
    pairs.append((c, s))
time.sleep(3)
for c, s in pairs:
    c.close()
    s.close()
sys.stdin.read()
'@
    }

    AfterAll {
        Remove-TestNamespace $script:ns
    }

    It 'shows each connection to the database as it closes, with its bytes, owner and lifetime (tcplife view)' {
        $holder = Start-NamespacePython -Namespace $script:ns -Code $script:database
        try {
            $events = @(Watch-SocketEvent -NetworkNamespace $script:ns -LocalPort 5432 -IncludeProcess -Event Closed -Interval 200ms -Count 2 -Timeout 20)
        }
        finally {
            Stop-NamespaceProcess $holder
        }
        $events.Count | Should -Be 2
        foreach ($e in $events) {
            $e | Should -BeOfType ([SocketTools.Watching.SocketEvent])
            $e.Event | Should -Be 'Closed'
            $e.Sampled | Should -BeFalse
            $e.LocalPort | Should -Be 5432
            $e.BytesSent | Should -Be 5000
            $e.BytesReceived | Should -BeIn 3000, 3001
            $e.OwningProcess | Should -Be ([int]$holder.FirstLine)
            $e.Command | Should -Be 'python3'
            $e.Socket.Tcp.BytesAcked | Should -BeGreaterOrEqual 5000
        }
        $table = $events | Format-Table -View tcplife | Out-String -Width 200
        $table | Should -Match 'PID\s+COMM\s+LADDR\s+LPORT\s+RADDR\s+RPORT\s+TX_KB\s+RX_KB\s+MS'
        $table | Should -Match "$($holder.FirstLine)\s+python3\s+127\.0\.0\.1\s+5432\s+127\.0\.0\.1\s+\d+\s+4\s+2\b"
        $default = $events | Out-String -Width 200
        $default | Should -Match 'Closed\s+tcp\s+UNCONN\s+127\.0\.0\.1:5432\s+127\.0\.0\.1:\d+'
    }

    It 'reports opened sockets from the dumps, marked as sampled' {
        $holder = Start-NamespacePython -Namespace $script:ns -Code $script:database
        try {
            $events = @(Watch-SocketEvent -NetworkNamespace $script:ns -LocalPort 5432 -Event Opened -Interval 200ms -Count 2 -Timeout 20)
        }
        finally {
            Stop-NamespaceProcess $holder
        }
        $events.Count | Should -Be 2
        $events.Event | Should -Be @('Opened', 'Opened')
        $events.Sampled | Should -Be @($true, $true)
        $events.State | Should -Be @('Established', 'Established')
        ($events | Out-String) | Should -Match 'Opened\*'
    }

    It 'stops at once for Select-Object -First' {
        $holder = Start-NamespacePython -Namespace $script:ns -Code $script:database
        try {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $first = Watch-SocketEvent -NetworkNamespace $script:ns -Event Closed -Interval 10s | Select-Object -First 1
            $clock.Stop()
        }
        finally {
            Stop-NamespaceProcess $holder
        }
        $first.Event | Should -Be 'Closed'
        # The first close comes about 2.5 s after the holder starts; the 10 s interval must not delay the stop.
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 6
    }

    It 'ends after -Timeout when nothing happens' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $events = @(Watch-SocketEvent -NetworkNamespace $script:ns -LocalPort 6000 -Timeout 1)
        $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.9
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 4
        $events.Count | Should -Be 0
    }

    It 'refuses protocols the kernel reports no destroyed sockets for' {
        { Watch-SocketEvent -Protocol Raw } | Should -Throw -ErrorId 'ParameterArgumentValidationError,SocketTools.Commands.WatchSocketEventCommand'
    }
}
