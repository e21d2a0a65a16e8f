#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Live tests need root and ip netns (tests/common.ps1) and are skipped without them; ./build.ps1 -Task Test
# runs them as root. Every socket lives in a namespace this file creates and deletes.

BeforeDiscovery { . (Join-Path $PSScriptRoot 'common.ps1') }

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module $ModulePath -Force
}

Describe 'Watch-TcpTimer' -Skip:(-not $LiveTier) {
    BeforeAll {
        $script:ns = $null
        $script:ns = New-TestNamespace -Prefix 'stt-pester-watch'
        # One TIME-WAIT socket: the client closes first. Its timer runs for a minute, longer than this block.
        Invoke-InNamespace $script:ns python3 -c @'
import socket, time
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 7200))
server.listen(8)
client = socket.socket()
client.connect(("127.0.0.1", 7200))
accepted, _ = server.accept()
client.close()
time.sleep(0.05)
accepted.close()
'@
        if ($LASTEXITCODE -ne 0) { throw "The TIME-WAIT script failed (exit $LASTEXITCODE)." }
    }

    AfterAll {
        Remove-TestNamespace $script:ns
    }

    It 'samples a TIME-WAIT timer counting down, one TimerSample per sample' {
        $samples = @(Watch-TcpTimer -NetworkNamespace $script:ns -State TimeWait -Interval 300ms -Count 3)
        $samples.Count | Should -Be 3
        $samples[0] | Should -BeOfType ([SocketTools.Watching.TimerSample])
        ($samples | ForEach-Object Sample) | Should -Be @(1, 2, 3)
        ($samples | Select-Object -ExpandProperty Cookie -Unique).Count | Should -Be 1
        $samples[0].Change | Should -Be ([SocketTools.Watching.TimerChange]::Appeared)
        $samples[1].Change | Should -Be ([SocketTools.Watching.TimerChange]::None)
        foreach ($sample in $samples) {
            $sample.TimerKind | Should -Be ([SocketTools.TimerKind]::TimeWait)
            $sample.Timer | Should -BeLessOrEqual ([timespan]::FromSeconds(60))
        }
        $samples[2].Timer | Should -BeLessThan $samples[0].Timer
    }

    It 'shows the same timer as ss -tano in the namespace' {
        $sample = Watch-TcpTimer -NetworkNamespace $script:ns -State TimeWait -Count 1
        $line = Invoke-InNamespace $script:ns ss -Htano state time-wait
        # Should -Match runs -match inside Pester, so it leaves this scope's $Matches alone: match here.
        $m = [regex]::Match("$line", 'timer:\(timewait,(\d+)sec,0\)')
        $m.Success | Should -BeTrue -Because "ss prints '$line'"
        $ssSeconds = [int]$m.Groups[1].Value
        [math]::Abs($sample.Timer.TotalSeconds - $ssSeconds) | Should -BeLessThan 2
    }

    It 'watches exactly the sockets piped from Get-SocketStat' {
        $socket = Get-SocketStat -NetworkNamespace $script:ns -State TimeWait
        $samples = @($socket | Watch-TcpTimer -NetworkNamespace $script:ns -Interval 0.2 -Count 2)
        $samples.Count | Should -Be 2
        $samples | ForEach-Object { $_.Cookie | Should -Be $socket.Cookie }
    }

    It 'prints ss -not style lines in the default view' {
        $text = Watch-TcpTimer -NetworkNamespace $script:ns -State TimeWait -Count 1 | Format-Table | Out-String -Width 300
        $text | Should -Match 'State\s+Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port\s+Timer\s+Change'
        $text | Should -Match 'TIME-WAIT'
        $text | Should -Match 'timer:\(timewait,\d+sec,0\)'
        $text | Should -Match 'Appeared'
    }

    It 'rejects a UDP socket from the pipeline as InvalidArgument' {
        $holder = Start-NamespacePython -Namespace $script:ns -Code @'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 5300))
print("ready", flush=True)
sys.stdin.read()
'@
        try {
            $udp = Get-SocketStat -NetworkNamespace $script:ns -Protocol Udp -LocalPort 5300
            $udp | Should -Not -BeNullOrEmpty
            $caught = $null
            try { $udp | Watch-TcpTimer -NetworkNamespace $script:ns -Count 1 } catch { $caught = $_ }
        }
        finally {
            Stop-NamespaceProcess $holder
        }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'NotATcpSocket*'
        $caught.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
    }

    It 'ends at once and without error when stopped from another thread' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', $ModulePath).AddStatement()
            $null = $ps.AddCommand('Watch-TcpTimer').AddParameter('NetworkNamespace', $script:ns).AddParameter('Interval', [timespan]::FromSeconds(30))
            $handle = $ps.BeginInvoke()
            $deadline = [datetime]::UtcNow.AddSeconds(10)
            while ($ps.InvocationStateInfo.State -ne 'Running' -and [datetime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 50
            }
            Start-Sleep -Milliseconds 500   # the first sample is written; the watch now waits 30 s for the next
            $ps.InvocationStateInfo.State | Should -Be 'Running'

            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
            $handle.IsCompleted | Should -BeTrue
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            # Stopping a [powershell] built with AddStatement() makes PowerShell itself record one
            # 'PipelineStopped' error for the stopped statement (Start-Sleep in its place records the
            # same); that one is the host's. Any other record (a cancellation surfacing as an
            # OperationCanceledException, a netlink failure) would be the cmdlet's.
            $ours = @($ps.Streams.Error | Where-Object FullyQualifiedErrorId -NE 'PipelineStopped')
            $ours | Should -HaveCount 0
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe 'Watch-TcpTimer parameter validation' {
    It 'rejects a zero interval' {
        { Watch-TcpTimer -Interval 0 -Count 1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,SocketTools.Commands.WatchTcpTimerCommand'
    }

    It 'rejects a negative interval' {
        { Watch-TcpTimer -Interval ([timespan]::FromSeconds(-1)) -Count 1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,SocketTools.Commands.WatchTcpTimerCommand'
    }
}
