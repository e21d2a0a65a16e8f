#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The module as a whole in a user's session: JSON and CSV round trips, every view on live and on
# deserialized (remoting) objects, the views' text against ss, audits, completion.
# Live tests need root and ip netns (tests/common.ps1) and are skipped without them; ./build.ps1 -Task Test
# runs them as root. Every socket lives in a namespace this file creates and deletes.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module $ModulePath -Force
    # Every table view of SocketInfo, whoever added it (ss, process, timer, extended, netstat, …).
    $script:viewNames = @((Get-FormatData -TypeName 'SocketTools.SocketInfo').FormatViewDefinition |
            Where-Object { $_.Control -is [System.Management.Automation.TableControl] } |
            ForEach-Object { $_.Name })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module $ModulePath -Force
}

Describe 'The views' {
    It 'include a table view for each way of looking at a socket, so the per-view tests below are not vacuous' {
        # The Describe below is generated at discovery from Get-FormatData; an empty list would generate no test at all.
        $names = @((Get-FormatData -TypeName 'SocketTools.SocketInfo').FormatViewDefinition |
                Where-Object { $_.Control -is [System.Management.Automation.TableControl] } |
                ForEach-Object { $_.Name })
        foreach ($view in 'SocketTools.SocketInfo', 'ss', 'process', 'timer', 'extended', 'netstat', 'unix') {
            $names | Should -Contain $view
        }
    }
}

Describe 'SocketTools on live sockets' -Skip:(-not $LiveTier) {
    BeforeAll {
        $script:ns = $script:holder = $null
        $script:ns = New-TestNamespace -Prefix 'stt-module'

        # One process holds an IPv4 listener (7100), a v6only IPv6 listener (7101), an unconnected UDP
        # socket (5353), an IPv4 and an IPv6 connection (keepalive on), and leaves one TIME-WAIT socket.
        $script:holder = Start-NamespacePython -Namespace $script:ns -Code @'
import os, socket, sys, time
l4 = socket.socket()
l4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l4.bind(("127.0.0.1", 7100))
l4.listen(8)
l6 = socket.socket(socket.AF_INET6)
l6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
l6.bind(("::1", 7101))
l6.listen(8)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("0.0.0.0", 5353))
c4 = socket.socket()
c4.connect(("127.0.0.1", 7100))
s4, _ = l4.accept()
c6 = socket.socket(socket.AF_INET6)
c6.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
c6.connect(("::1", 7101))
s6, _ = l6.accept()
t = socket.socket()
t.connect(("127.0.0.1", 7100))
ta, _ = l4.accept()
t.close()
time.sleep(0.05)
ta.close()
print(os.getpid(), flush=True)
sys.stdin.read()
'@
        $deadline = (Get-Date).AddSeconds(10)
        while ((Get-Date) -lt $deadline -and -not (Invoke-InNamespace $script:ns ss -Htan state time-wait)) {
            Start-Sleep -Milliseconds 100
        }

        $script:all = @(Get-SocketStat -NetworkNamespace $script:ns -IncludeProcess)
        $script:listener4 = $script:all | Where-Object { $_.State -eq 'Listen' -and $_.LocalPort -eq 7100 }
        $script:listener6 = $script:all | Where-Object { $_.State -eq 'Listen' -and $_.LocalPort -eq 7101 }
    }

    AfterAll {
        try { Stop-NamespaceProcess $script:holder } finally { Remove-TestNamespace $script:ns }
    }

    Describe 'The test namespace' {
        It 'has the sockets the other tests rely on' {
            $script:all.Count | Should -Be 8
            $script:listener4 | Should -HaveCount 1
            $script:listener6 | Should -HaveCount 1
            @($script:all | Where-Object State -eq 'TimeWait') | Should -HaveCount 1
            @($script:all | Where-Object LocalAddress -eq '::1') | Should -HaveCount 3
        }
    }

    Describe 'SocketInfo in JSON' {
        It 'survives ConvertTo-Json -Depth 5 and ConvertFrom-Json without errors or warnings' {
            $json = $script:all | ConvertTo-Json -Depth 5 -WarningVariable warnings -ErrorVariable errors
            $warnings | Should -BeNullOrEmpty
            $errors | Should -BeNullOrEmpty
            $back = @($json | ConvertFrom-Json)
            $back.Count | Should -Be $script:all.Count
            for ($i = 0; $i -lt $back.Count; $i++) {
                $b = $back[$i]
                $o = $script:all[$i]
                $b.LocalAddress | Should -BeExactly $o.LocalAddress
                $b.RemoteAddress | Should -BeExactly $o.RemoteAddress
                $b.LocalPort | Should -Be $o.LocalPort
                $b.Port | Should -Be $o.LocalPort
                $b.RemotePort | Should -Be $o.RemotePort
                $b.State | Should -Be ([int]$o.State)
                $b.TimerKind | Should -Be ([int]$o.TimerKind)
                [timespan]::FromTicks($b.Timer.Ticks) | Should -Be $o.Timer
                $b.Inode | Should -Be $o.Inode
                $b.Cookie | Should -Be $o.Cookie
                @($b.Owners).Count | Should -Be $o.Owners.Count
                (@($b.Owners | ForEach-Object { $_.Id }) -join ',') | Should -Be (@($o.Owners | ForEach-Object { $_.Id }) -join ',')
            }
        }

        It 'keeps IPv6 addresses as text (an IPAddress object would lose them)' {
            $back = @($script:all | ConvertTo-Json -Depth 5 | ConvertFrom-Json)
            @($back | Where-Object LocalAddress -eq '::1') | Should -HaveCount 3
            $back | ForEach-Object { $_.LocalAddress | Should -BeOfType [string] }
        }

        It 'writes enums as their names with -EnumsAsStrings' {
            $back = @($script:all | ConvertTo-Json -Depth 5 -EnumsAsStrings | ConvertFrom-Json)
            for ($i = 0; $i -lt $back.Count; $i++) {
                $back[$i].State | Should -BeExactly $script:all[$i].State.ToString()
                $back[$i].Protocol | Should -BeExactly $script:all[$i].Protocol.ToString()
            }
        }
    }

    Describe 'SocketInfo in CSV' {
        It 'survives Export-Csv and Import-Csv with one plain value per column' {
            $path = Join-Path $TestDrive 'sockets.csv'
            $script:all | Export-Csv -LiteralPath $path -ErrorVariable errors
            $errors | Should -BeNullOrEmpty
            $text = Get-Content -LiteralPath $path -Raw
            $text | Should -Not -Match 'SocketTools\.'     # no type names where values belong
            $rows = @(Import-Csv -LiteralPath $path)
            $rows.Count | Should -Be $script:all.Count
            for ($i = 0; $i -lt $rows.Count; $i++) {
                $r = $rows[$i]
                $o = $script:all[$i]
                $r.LocalAddress | Should -BeExactly $o.LocalAddress
                $r.LocalPort | Should -Be ([string]$o.LocalPort)
                $r.Port | Should -Be ([string]$o.LocalPort)
                $r.State | Should -BeExactly $o.State.ToString()
                [timespan]$r.Timer | Should -Be $o.Timer
                $r.Owners | Should -BeExactly ([SocketTools.Text.SsText]::Users($o.Owners))
            }
        }
    }

    Describe 'Format-Table -View <_>' -ForEach $script:viewNames {
        BeforeAll {
            $script:view = $_
        }

        It 'formats live objects without errors' {
            $text = $script:all | Format-Table -View $script:view -DisplayError | Out-String -Width 300
            $text | Should -Not -Match '#ERR'
            $text.Trim() | Should -Not -BeNullOrEmpty
        }

        It 'formats deserialized objects (as remoting returns them) exactly as live ones' {
            $deserialized = @($script:all | ForEach-Object {
                    [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_))
                })
            $deserialized[0].PSObject.TypeNames[0] | Should -BeExactly 'Deserialized.SocketTools.SocketInfo'
            $live = $script:all | Format-Table -View $script:view -DisplayError | Out-String -Width 300
            $remote = $deserialized | Format-Table -View $script:view -DisplayError | Out-String -Width 300
            $remote | Should -BeExactly $live
        }
    }

    Describe 'The views print what ss prints' {
        It 'ss is the default view' {
            ($script:all | Format-Table -View ss | Out-String -Width 300) |
                Should -BeExactly ($script:all | Format-Table | Out-String -Width 300)
        }

        It 'process shows the users:(...) cell of ss -p' {
            $ssLine = Invoke-InNamespace $script:ns ss -Htlnp 'sport = :7100'
            $users = [regex]::Match("$ssLine", 'users:\(\(.*\)\)').Value
            $users | Should -Match 'python3'
            ($script:listener4 | Format-Table -View process | Out-String -Width 300) | Should -Match ([regex]::Escape($users))
        }

        It 'timer shows the timer:(timewait,...) cell of ss -o' {
            $tw = $script:all | Where-Object State -eq 'TimeWait'
            $ssLine = Invoke-InNamespace $script:ns ss -Htano state time-wait
            "$ssLine" | Should -Match 'timer:\(timewait,\d+sec,0\)'
            ($tw | Format-Table -View timer | Out-String -Width 300) | Should -Match 'timer:\(timewait,\d+sec,0\)'
        }

        It 'extended shows the ino, sk, v6only and shutdown details of ss -e' {
            $ssLine = "$(Invoke-InNamespace $script:ns ss -Htlne 'sport = :7101')"
            $m = [regex]::Match($ssLine, 'ino:(\d+) sk:([0-9a-f]+)')
            $m.Success | Should -BeTrue
            $text = $script:listener6 | Format-Table -View extended | Out-String -Width 300
            $text | Should -Match ([regex]::Escape($m.Value))
            $text | Should -Match 'v6only:1 <->'
            $ssLine | Should -Match 'v6only:1 <->'
        }
    }

    Describe 'Audits' {
        It 'read naturally: nothing listens outside the allowed ports' {
            Get-SocketStat -NetworkNamespace $script:ns -Listening | Where-Object Port -notin 7100, 7101, 5353 | Should -BeNullOrEmpty
        }

        It 'fail when something else listens' {
            { Get-SocketStat -NetworkNamespace $script:ns -Listening | Where-Object Port -notin 7100 | Should -BeNullOrEmpty } |
                Should -Throw
        }
    }

    Describe 'Completion' {
        It 'offers the listening ports first for -LocalPort, in the namespace on the line' {
            $line = "Get-SocketStat -NetworkNamespace $($script:ns) -LocalPort "
            $texts = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)
            $texts[0..2] | Should -Be @('5353', '7100', '7101')
            $texts.Count | Should -BeGreaterThan 3
        }

        It 'offers the most used peer port first for -RemotePort' {
            $line = "Get-SocketStat -NetworkNamespace $($script:ns) -RemotePort 71"
            $texts = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)
            $texts[0] | Should -Be '7100'
            $texts | Should -Contain '7101'
        }
    }
}
