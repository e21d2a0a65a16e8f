#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents and packages the SocketTools module.

.DESCRIPTION
    Build   publishes the module into output/SocketTools/<version>/ (dll, psd1, ps1xml).
    Run     builds, then imports the module in a child pwsh and runs Get-SocketStat; at a terminal
            that pwsh stays open with the module loaded (exit to come back).
    Test    builds and packages, runs the xunit suite once (dotnet test), then Pester once in a
            child pwsh -NoProfile against output/ (a binary module cannot be unloaded from the
            session that built it), writes both results under output/test-results (TRX and NUnit
            XML), and ends with one line that sums them: "N passed, M failed, K skipped".
    Docs    builds, then turns docs/en-US (PlatyPS markdown) into MAML help in
            output/SocketTools/<version>/en-US. Needs platyPS 0.14.2.
    Package builds, adds the help where platyPS is installed (warns and goes on without it), and
            writes a PSResourceGet-ready .nupkg into output/package.
    Bench   builds, then runs the benchmarks against ss, netstat and lsof (root; see README): the
            core in process (output/bench/benchmarks.md), then the cmdlets in one warm pwsh
            (tests/SocketTools.Benchmarks/Measure-Pwsh.ps1; output/bench/pwsh-benchmarks.md), on
            the same populations and on a farm of 200 namespaces. Options for the benchmark go in
            -BenchmarkArgument, e.g. -BenchmarkArgument '--quick' or '--sizes','10k,100k'.

    Pester 5.7.1 comes from NuGet (output/packages) when it is not installed, so a machine with only
    the .NET SDK needs nothing else: dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test.

.EXAMPLE
    dotnet tool restore
    dotnet pwsh ./build.ps1 -Task Run

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Run', 'Test', 'Docs', 'Package', 'Bench')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Passed to the benchmark app by -Task Bench (e.g. '--sizes', '10k,100k', '--reps', '15').
    [string[]] $BenchmarkArgument = @()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$PesterVersion = '5.7.1'
$PlatyPSVersion = '0.14.2'

$root = $PSScriptRoot
$manifestPath = Join-Path $root 'SocketTools.psd1'
$version = (Import-PowerShellDataFile -Path $manifestPath).ModuleVersion
$moduleRoot = Join-Path $root 'output' 'SocketTools'
$outDir = Join-Path $moduleRoot $version
$packageDir = Join-Path $root 'output' 'package'
$resultsDir = Join-Path $root 'output' 'test-results'
# The pwsh running this script: the child runs the same one, whether it is a global pwsh or the
# .NET tool (`dotnet pwsh`, whose process is dotnet with pwsh.dll).
$pwshCommand = @(if ((Split-Path -Leaf ([Environment]::ProcessPath)) -like 'dotnet*') {
        [Environment]::ProcessPath
        Join-Path $PSHOME 'pwsh.dll'
    }
    else {
        [Environment]::ProcessPath
    })

function Invoke-DotNet {
    param([Parameter(Mandatory)][string[]] $Arguments)
    Write-Host "dotnet $($Arguments -join ' ')" -ForegroundColor Cyan
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE."
    }
}

function Invoke-ChildPwsh {
    # Runs a script block in a fresh pwsh -NoProfile (the same pwsh as this one). Its output goes
    # straight on (never into a variable: assigning this call's result would capture the child's
    # text), and its exit code is left in $script:ChildExitCode.
    param([Parameter(Mandatory)][scriptblock] $ScriptBlock, [object[]] $ArgumentList = @())
    $exe = $pwshCommand[0]
    $rest = @($pwshCommand | Select-Object -Skip 1)
    & $exe @rest -NoProfile -NonInteractive -Command $ScriptBlock -args $ArgumentList
    $script:ChildExitCode = $LASTEXITCODE
}

function Get-PesterPath {
    # The Pester module to import: an installed 5.7.1, else NuGet's package (restored into
    # output/packages), else the PowerShell Gallery where it answers.
    $installed = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -eq [version]$PesterVersion } | Select-Object -First 1
    if ($installed) { return $installed.Path }

    $fromNuGet = Join-Path $root 'output' 'packages' 'pester' $PesterVersion 'tools' 'Pester.psd1'
    if (-not (Test-Path -LiteralPath $fromNuGet)) {
        Write-Host "Restoring Pester $PesterVersion from NuGet" -ForegroundColor Cyan
        & dotnet restore (Join-Path $root 'build' 'tools.proj') --packages (Join-Path $root 'output' 'packages') `
            "-p:PesterVersion=$PesterVersion" --nologo --verbosity quiet
    }
    if (Test-Path -LiteralPath $fromNuGet) { return $fromNuGet }

    Write-Warning "Pester $PesterVersion is not on NuGet here; trying the PowerShell Gallery."
    Install-PSResource -Name Pester -Version $PesterVersion -Scope CurrentUser -TrustRepository -Quiet
    (Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -eq [version]$PesterVersion } | Select-Object -First 1).Path
}

function Invoke-BuildTask {
    if (Test-Path -LiteralPath $outDir) {
        Remove-Item -LiteralPath $outDir -Recurse -Force
    }
    Invoke-DotNet -Arguments @('publish', (Join-Path $root 'src' 'SocketTools' 'SocketTools.csproj'),
        '--configuration', $Configuration, '--output', $outDir, '--nologo')
    # Ship what the module loads; the manifest names every file. The .pdb stays for debugging
    # from output/; the package leaves it out.
    Get-ChildItem -LiteralPath $outDir -File |
        Where-Object { $_.Extension -notin '.dll', '.psd1', '.ps1xml', '.xml', '.pdb' } |
        Remove-Item -Force
    Write-Host "Built SocketTools $version into $outDir" -ForegroundColor Green
}

function Invoke-RunTask {
    # A child pwsh with the module imported and Get-SocketStat run; at a terminal it stays open for
    # the next command (exit returns here), otherwise it ends after the listing.
    $exe = $pwshCommand[0]
    $rest = @($pwshCommand | Select-Object -Skip 1)
    $stay = @(if (-not [Console]::IsInputRedirected) { '-NoExit' })
    $command = "Import-Module '$($moduleRoot -replace "'", "''")'; Get-SocketStat"
    & $exe @rest -NoProfile @stay -Command $command
    if ($LASTEXITCODE -ne 0) { throw "pwsh ended with exit code $LASTEXITCODE." }
}

function Read-TrxCounts {
    param([string] $Path)
    $counters = ([xml](Get-Content -LiteralPath $Path -Raw)).TestRun.ResultSummary.Counters
    [pscustomobject]@{
        Passed  = [int]$counters.passed
        Failed  = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        Skipped = [int]$counters.notExecuted
    }
}

function Read-NUnitCounts {
    param([string] $Path)
    $results = ([xml](Get-Content -LiteralPath $Path -Raw)).'test-results'
    $failed = [int]$results.failures + [int]$results.errors + [int]$results.invalid
    $skipped = [int]$results.'not-run' + [int]$results.skipped + [int]$results.ignored + [int]$results.inconclusive
    [pscustomobject]@{
        Passed  = [int]$results.total - [int]$results.failures - [int]$results.errors - [int]$results.'not-run' - [int]$results.inconclusive
        Failed  = $failed
        Skipped = $skipped
    }
}

function Invoke-TestTask {
    if (Test-Path -LiteralPath $resultsDir) { Remove-Item -LiteralPath $resultsDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $resultsDir
    $trx = Join-Path $resultsDir 'xunit.trx'
    $nunit = Join-Path $resultsDir 'pester.xml'

    # xunit, once. A failure here does not stop Pester: the summary counts both.
    Write-Host "dotnet test SocketTools.sln" -ForegroundColor Cyan
    & dotnet test (Join-Path $root 'SocketTools.sln') --configuration $Configuration --nologo `
        --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal'
    $xunitExit = $LASTEXITCODE

    # Pester, once, in a child pwsh against output/.
    $pester = Get-PesterPath
    Write-Host "Pester $PesterVersion ($pester)" -ForegroundColor Cyan
    Invoke-ChildPwsh -ScriptBlock {
        param($PesterPath, $TestsPath, $ResultPath)
        # Into a log or a pipe, plain text: colour codes would split Pester's lines there.
        if ([Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }
        Import-Module -Name $PesterPath
        $config = New-PesterConfiguration
        $config.Run.Path = $TestsPath
        $config.Run.Exit = $true
        $config.Output.Verbosity = 'Detailed'
        $config.TestResult.Enabled = $true
        $config.TestResult.OutputFormat = 'NUnitXml'
        $config.TestResult.OutputPath = $ResultPath
        Invoke-Pester -Configuration $config
    } -ArgumentList $pester, (Join-Path $root 'tests'), $nunit
    $pesterExit = $script:ChildExitCode

    $rows = [ordered]@{}
    $rows.xunit = if (Test-Path -LiteralPath $trx) { Read-TrxCounts $trx } else { [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 } }
    $rows.Pester = if (Test-Path -LiteralPath $nunit) { Read-NUnitCounts $nunit } else { [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 } }
    # A runner that failed without a counted failure (a build error, a container that did not
    # load) is one failure, so the total never reads green.
    if ($xunitExit -ne 0 -and $rows.xunit.Failed -eq 0) { $rows.xunit.Failed = 1 }
    if ($pesterExit -ne 0 -and $rows.Pester.Failed -eq 0) { $rows.Pester.Failed = 1 }

    foreach ($name in $rows.Keys) {
        $r = $rows[$name]
        Write-Host ('{0,-7} {1} passed, {2} failed, {3} skipped' -f $name, $r.Passed, $r.Failed, $r.Skipped)
    }
    $passed = ($rows.Values | Measure-Object -Property Passed -Sum).Sum
    $failed = ($rows.Values | Measure-Object -Property Failed -Sum).Sum
    $skipped = ($rows.Values | Measure-Object -Property Skipped -Sum).Sum
    # The last line, on its own: CI reads it.
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Test-PlatyPS {
    [bool](Get-Module -ListAvailable -Name platyPS | Where-Object { $_.Version -eq [version]$PlatyPSVersion })
}

function Invoke-DocsTask {
    if (-not (Test-PlatyPS)) {
        throw "platyPS $PlatyPSVersion is not installed (Install-PSResource platyPS -Version $PlatyPSVersion): the help cannot be generated here."
    }
    Import-Module -Name platyPS -RequiredVersion $PlatyPSVersion
    $docsDir = Join-Path $root 'docs' 'en-US'
    $helpDir = Join-Path $outDir 'en-US'
    # One call converts the folder: the Verb-Noun.md pages into SocketTools.dll-Help.xml (named by
    # their 'external help file' metadata) and every .md whose second heading is about_X into
    # about_X.help.txt. SocketTools.md, the module page, is neither and is left out.
    New-ExternalHelp -Path $docsDir -OutputPath $helpDir -Force | Out-Null
    $expected = @('SocketTools.dll-Help.xml') +
        @(Get-ChildItem -LiteralPath $docsDir -Filter 'about_*.md' | ForEach-Object { $_.BaseName + '.help.txt' })
    $missing = @($expected | Where-Object { -not (Test-Path -LiteralPath (Join-Path $helpDir $_)) })
    if ($missing.Count -gt 0) {
        throw "New-ExternalHelp did not write $($missing -join ', ') into $helpDir."
    }
    Write-Host "Wrote $($expected -join ', ') into $helpDir" -ForegroundColor Green
}

function Invoke-PackageTask {
    if (Test-PlatyPS) {
        Invoke-DocsTask
    }
    else {
        Write-Warning "platyPS $PlatyPSVersion is not installed: the package leaves out the MAML help (Get-Help shows syntax only). Install platyPS and run -Task Package again for a release."
    }
    # Stage what the module loads (no .pdb, no IntelliSense .xml) plus LICENSE and CHANGELOG in a
    # folder named after the module, as Publish-PSResource wants it.
    $stage = Join-Path $root 'output' 'stage' 'SocketTools'
    if (Test-Path -LiteralPath $stage) { Remove-Item -LiteralPath $stage -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $stage -Force
    Get-ChildItem -LiteralPath $outDir -File |
        Where-Object { $_.Extension -in '.dll', '.psd1', '.ps1xml' } |
        Copy-Item -Destination $stage
    $help = Join-Path $outDir 'en-US'
    if (Test-Path -LiteralPath $help) { Copy-Item -LiteralPath $help -Destination $stage -Recurse }
    Copy-Item -LiteralPath (Join-Path $root 'LICENSE'), (Join-Path $root 'CHANGELOG.md') -Destination $stage

    if (Test-Path -LiteralPath $packageDir) { Remove-Item -LiteralPath $packageDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $packageDir
    # A repository registered for this call only: the package is written into output/package.
    $repositoryName = 'SocketToolsBuild-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    Register-PSResourceRepository -Name $repositoryName -Uri $packageDir -Trusted
    try {
        Publish-PSResource -Path $stage -Repository $repositoryName
    }
    finally {
        Unregister-PSResourceRepository -Name $repositoryName
    }
    $package = Get-ChildItem -LiteralPath $packageDir -Filter *.nupkg
    if (-not $package) { throw "Publish-PSResource wrote no .nupkg into $packageDir." }
    Write-Host "Wrote $($package.FullName)" -ForegroundColor Green
}

function Invoke-BenchTask {
    # The app (in-process rows, the populations and the namespace farm) is driven by Measure-Pwsh.ps1 in a
    # child pwsh that imports the module built into output/ and times the cmdlets there (--no-pwsh: the app alone).
    $bench = Join-Path $root 'tests' 'SocketTools.Benchmarks'
    Invoke-DotNet -Arguments @('build', (Join-Path $bench 'SocketTools.Benchmarks.csproj'), '--configuration', 'Release', '--nologo', '-v', 'quiet')
    $app = Join-Path $bench 'bin' 'Release' 'net10.0' 'SocketTools.Benchmarks'
    Invoke-ChildPwsh -ScriptBlock {
        # The options cross as one string, a line each (an array argument arrives joined).
        param($Script, $ModulePath, $App, [string] $Arguments)
        & $Script -ModulePath $ModulePath -App $App -BenchmarkArgument @($Arguments -split "`n" | Where-Object { $_ })
        exit $LASTEXITCODE
    } -ArgumentList (Join-Path $bench 'Measure-Pwsh.ps1'), (Join-Path $outDir 'SocketTools.psd1'), $app, ($BenchmarkArgument -join "`n")
    if ($script:ChildExitCode -ne 0) { throw "The benchmark exited with code $script:ChildExitCode." }
}

foreach ($name in $Task) {
    switch ($name) {
        'Build' { Invoke-BuildTask }
        'Run' { Invoke-BuildTask; Invoke-RunTask }
        'Test' { Invoke-BuildTask; Invoke-PackageTask; Invoke-TestTask }
        'Docs' { Invoke-BuildTask; Invoke-DocsTask }
        'Package' { Invoke-BuildTask; Invoke-PackageTask }
        'Bench' { Invoke-BuildTask; Invoke-BenchTask }
    }
}
