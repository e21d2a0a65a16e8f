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
        # The module is loaded by the runspace, not by a first statement: pwsh 7.6 records a
        # PipelineStopped error when a pipeline of several statements is stopped, whatever they are.
        $iss = [initialsessionstate]::CreateDefault2()
        $iss.ImportPSModule([string[]]@((Resolve-Path $ModulePath).Path))
        $ps = [powershell]::Create($iss)
        try {
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
            # No error record; HadErrors is not asserted: a stopped pipeline may set it by design.
            $ps.Streams.Error.Count | Should -Be 0
        }
        finally {
            $ps.Dispose()
        }
    }

    Context 'durations typed without quotes' {
        It 'samples every 500ms for -Timeout 2s, typed without quotes (not every 2 ticks, not once)' {
            $samples = @(Watch-TcpTimer -NetworkNamespace $script:ns -State TimeWait -Interval 500ms -Timeout 2s)
            # Samples at 0, 0.5, 1, 1.5 and 2 s: 4 or 5 depending on where the deadline falls.
            $samples.Count | Should -BeIn 4, 5
            $samples[-1].Elapsed | Should -BeLessThan ([timespan]::FromSeconds(2.2))
            $samples[-1].Elapsed | Should -BeGreaterThan ([timespan]::FromSeconds(1))
        }

        It 'waits 1s between samples for -Interval 1s, typed without quotes' {
            $samples = @(Watch-TcpTimer -NetworkNamespace $script:ns -State TimeWait -Interval 1s -Count 2)
            ($samples[1].Elapsed - $samples[0].Elapsed).TotalMilliseconds | Should -BeGreaterOrEqual 990
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

    It 'rejects text that is not a duration with InvalidDuration in the message' {
        $caught = $null
        try { Watch-TcpTimer -Interval soon -Count 1 } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError*'
        "$caught" | Should -Match "'soon' is not a duration"
    }

    It 'rejects -Timeout -1s (a negative [short]) in parameter validation' {
        { Watch-TcpTimer -Timeout -1s -Count 1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,SocketTools.Commands.WatchTcpTimerCommand'
    }
}

Describe 'Watch-TcpTimer durations as a user types them' {
    BeforeAll {
        $script:transform = (Get-Command Watch-TcpTimer).Parameters['Interval'].Attributes |
            Where-Object { $_ -is [System.Management.Automation.ArgumentTransformationAttribute] }
    }

    It 'reads the unquoted number <Literal> as <Seconds> seconds' -ForEach @(
        # Unquoted, 2s is PowerShell's [short] 2, 2y an [sbyte], 2uy a [byte], 2us a [ushort], 2u a [uint],
        # 2L a [long], 2ul a [ulong], 2n a BigInteger, 2d a [decimal]: every one of them is seconds.
        @{ Literal = '2s'; Seconds = 2 }, @{ Literal = '2y'; Seconds = 2 }, @{ Literal = '2uy'; Seconds = 2 },
        @{ Literal = '2us'; Seconds = 2 }, @{ Literal = '2u'; Seconds = 2 }, @{ Literal = '2L'; Seconds = 2 },
        @{ Literal = '2ul'; Seconds = 2 }, @{ Literal = '2n'; Seconds = 2 }, @{ Literal = '2d'; Seconds = 2 },
        @{ Literal = '2'; Seconds = 2 }, @{ Literal = '0.5'; Seconds = 0.5 }, @{ Literal = '1kb'; Seconds = 1024 }
    ) {
        $value = Invoke-Expression $Literal
        $value | Should -Not -BeOfType [string]
        $script:transform.Transform($ExecutionContext, $value) | Should -Be ([timespan]::FromSeconds($Seconds))
    }

    It 'keeps the unit of text: <Text>' -ForEach @(
        @{ Text = '500ms'; Milliseconds = 500 }, @{ Text = '2s'; Milliseconds = 2000 }, @{ Text = '1m'; Milliseconds = 60000 },
        @{ Text = '1min'; Milliseconds = 60000 }, @{ Text = '00:00:03'; Milliseconds = 3000 }, @{ Text = '1.5'; Milliseconds = 1500 }
    ) {
        $script:transform.Transform($ExecutionContext, $Text) | Should -Be ([timespan]::FromMilliseconds($Milliseconds))
    }
}
