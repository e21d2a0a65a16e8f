#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents and packages the SocketTools module.

.DESCRIPTION
    Build   publishes the module into output/SocketTools/<version>/ (dll, psd1, ps1xml).
    Test    builds, runs the xunit suite (dotnet test), then Pester in a child pwsh -NoProfile
            against output/ (a binary module cannot be unloaded from the session that built it).
    Docs    builds, then turns docs/en-US (PlatyPS markdown) into MAML in output/SocketTools/<version>/en-US.
    Package builds and documents, then writes a gallery-ready .nupkg into output/package.
    Bench   runs the benchmarks against ss, netstat and lsof (root; see README). Options for the
            benchmark go in -BenchmarkArgument, e.g. -BenchmarkArgument '--quick'.

.EXAMPLE
    ./build.ps1
    Import-Module ./output/SocketTools
    Get-SocketStat -State Listen

.EXAMPLE
    ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Package', 'Bench')]
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

function Invoke-DotNet {
    param([Parameter(Mandatory)][string[]] $Arguments)
    Write-Host "dotnet $($Arguments -join ' ')" -ForegroundColor Cyan
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE."
    }
}

function Install-PinnedModule {
    param(
        [Parameter(Mandatory)][string] $Name,
        [Parameter(Mandatory)][string] $Version
    )
    $present = Get-Module -ListAvailable -Name $Name | Where-Object { $_.Version -eq [version]$Version }
    if (-not $present) {
        Write-Host "Installing $Name $Version" -ForegroundColor Cyan
        if (Get-Command -Name Install-PSResource -ErrorAction Ignore) {
            Install-PSResource -Name $Name -Version $Version -Scope CurrentUser -TrustRepository -Quiet
        }
        else {
            Install-Module -Name $Name -RequiredVersion $Version -Scope CurrentUser -Force -SkipPublisherCheck
        }
    }
}

function Invoke-BuildTask {
    if (Test-Path -LiteralPath $outDir) {
        Remove-Item -LiteralPath $outDir -Recurse -Force
    }
    Invoke-DotNet -Arguments @('publish', (Join-Path $root 'src' 'SocketTools' 'SocketTools.csproj'),
        '--configuration', $Configuration, '--output', $outDir, '--nologo')
    # Ship what the module loads; the manifest names every file.
    Get-ChildItem -LiteralPath $outDir -File |
        Where-Object { $_.Extension -notin '.dll', '.psd1', '.ps1xml', '.xml', '.pdb' } |
        Remove-Item -Force
    Write-Host "Built SocketTools $version into $outDir" -ForegroundColor Green
}

function Invoke-TestTask {
    Invoke-DotNet -Arguments @('test', (Join-Path $root 'SocketTools.sln'), '--configuration', $Configuration, '--nologo')
    Install-PinnedModule -Name Pester -Version $PesterVersion
    $testsPath = Join-Path $root 'tests'
    & pwsh -NoProfile -NonInteractive -Command {
        param($Path, $Version)
        Import-Module -Name Pester -RequiredVersion $Version
        $config = New-PesterConfiguration
        $config.Run.Path = $Path
        $config.Run.Exit = $true
        $config.Output.Verbosity = 'Detailed'
        Invoke-Pester -Configuration $config
    } -args $testsPath, $PesterVersion
    if ($LASTEXITCODE -ne 0) {
        throw "Pester failed with exit code $LASTEXITCODE."
    }
}

function Invoke-DocsTask {
    Install-PinnedModule -Name platyPS -Version $PlatyPSVersion
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
    $packageDir = Join-Path $root 'output' 'package'
    New-Item -ItemType Directory -Path $packageDir -Force | Out-Null
    $repositoryName = 'SocketToolsLocal'
    if (Get-PSResourceRepository -Name $repositoryName -ErrorAction Ignore) {
        Unregister-PSResourceRepository -Name $repositoryName
    }
    Register-PSResourceRepository -Name $repositoryName -Uri $packageDir -Trusted
    try {
        Publish-PSResource -Path $outDir -Repository $repositoryName
    }
    finally {
        Unregister-PSResourceRepository -Name $repositoryName
    }
    Write-Host "Wrote $(Get-ChildItem -LiteralPath $packageDir -Filter *.nupkg | Select-Object -ExpandProperty FullName)" -ForegroundColor Green
}

function Invoke-BenchTask {
    Invoke-DotNet -Arguments (@('run', '--project', (Join-Path $root 'tests' 'SocketTools.Benchmarks' 'SocketTools.Benchmarks.csproj'),
        '--configuration', 'Release', '--') + $BenchmarkArgument)
}

foreach ($name in $Task) {
    switch ($name) {
        'Build' { Invoke-BuildTask }
        'Test' { Invoke-BuildTask; Invoke-TestTask }
        'Docs' { Invoke-BuildTask; Invoke-DocsTask }
        'Package' { Invoke-BuildTask; Invoke-DocsTask; Invoke-PackageTask }
        'Bench' { Invoke-BenchTask }
    }
}
