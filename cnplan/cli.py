"""The cnplan command line: a thin click layer over the library."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import click

from cnplan import __version__
from cnplan.corpus import load, terms_frame
from cnplan.errors import CnplanError, CnplanWarning, shown
from cnplan.extract import COLUMNS, iter_frames
from cnplan.extract.table import render_counted
from cnplan.lexicon import LexiconError
from cnplan.match import Matcher, load_catalog
from cnplan.match.matcher import DEFAULT_MIN_SCORE
from cnplan.output import (
    FORMATS,
    STREAM_FORMATS,
    TableWriter,
    atomic_write_text,
    format_for,
    output_file,
    table_to_string,
    write_table,
)
from cnplan.parallel import default_jobs
from cnplan.read import repair_warning
from cnplan.read.reader import READ_SUFFIXES, detect_format, human_size, walk

BATCH_FORMATS = ("csv", "jsonl", "parquet")  # a folder's tables can outgrow an Excel sheet


@dataclass(frozen=True)
class Settings:
    """The options of the command group: -q (errors only) and -v (tracebacks, for a bug report)."""

    quiet: bool = False
    verbose: bool = False


def settings() -> Settings:
    """The group options of the running command (defaults outside one)."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return obj if isinstance(obj, Settings) else Settings()


class Failures:
    """Collects bad-file errors: prints each on one line to stderr and remembers that one happened."""

    def __init__(self, quiet: bool | None = None) -> None:
        self.count = 0
        self.warnings = 0
        self.quiet = settings().quiet if quiet is None else quiet

    def __call__(self, error: CnplanError) -> None:
        """Report one bad file, or a file read with a caveat (a warning, which does not fail the run)."""
        if isinstance(error, CnplanWarning):
            self.warnings += 1
            if not self.quiet:
                click.echo(f"cnplan: warning: {error}", err=True)
            return
        self.count += 1
        click.echo(f"cnplan: {error}", err=True)

    def exit(self) -> None:
        """Exit non-zero when any file failed."""
        if self.count:
            click.echo(f"cnplan: {self.count} file(s) could not be read", err=True)
            sys.exit(1)


NO_DOCUMENTS = "no documents found in {where} (cnplan reads " + ", ".join(READ_SUFFIXES) + ")"


def _need_documents(paths: tuple[Path, ...]) -> None:
    """Stop with a warning line and exit 1 when the paths hold no document cnplan reads (an empty folder)."""
    if next(iter(walk(paths)), None) is None:
        where = ", ".join(shown(str(p)) for p in paths)
        click.echo(f"cnplan: warning: {NO_DOCUMENTS.format(where=where)}", err=True)
        sys.exit(1)


def _table_target(output: str | None, fmt: str | None, stem: str) -> tuple[str | None, str]:
    """The output file and its format, checked before any work: an unknown extension is a usage error,
    `-o folder/` means `folder/STEM.csv`, `-o -` stdout, and parquet and xlsx need a file."""
    if output == "-":
        output = None
    if output:
        output = output_file(output, stem, fmt)
    try:
        fmt = format_for(output, fmt)
    except CnplanError as exc:
        raise click.UsageError(str(exc)) from None
    if fmt not in STREAM_FORMATS and not output:
        raise click.UsageError(f"{fmt} needs an output file (-o)")
    if fmt == "parquet":
        _need_pyarrow()
    return output, fmt


def _emit_table(df, output: str | None, fmt: str, excel: bool, labels: dict[str, str] | None = None) -> None:
    """Write a table to a file (atomically) or to stdout; output and fmt come from _table_target."""
    if output:
        write_table(df, output, fmt, excel, labels)
    else:
        click.echo(table_to_string(df, fmt), nl=False)


EXCEL = click.option("--excel", is_flag=True, help="Write CSV with a BOM so Excel shows Chinese.")
JOBS = click.option("-j", "--jobs", type=click.IntRange(min=1), help="Processes to run  [default: all cores]")


class ShardParam(click.ParamType):
    """A shard written I/N: the I-th of N, 1 <= I <= N."""

    name = "I/N"

    def convert(self, value, param, ctx):
        """(i, n) from "i/n"; a usage error for anything else."""
        if isinstance(value, tuple):
            return value
        try:
            i, n = (int(x) for x in str(value).split("/"))
        except ValueError:
            self.fail(f"{value!r} is not I/N (3/8: the third of eight shards)", param, ctx)
        if not 1 <= i <= n:
            self.fail(f"{value!r}: I must be 1 to N", param, ctx)
        return i, n


def _listed(files_from, in_dir: Path) -> frozenset[str] | None:
    """The paths of a --files-from list (relative to the input folder, or absolute inside it), / separated."""
    if files_from is None:
        return None
    root = in_dir.resolve()
    out = set()
    for line in files_from:
        line = line.rstrip("\n").rstrip("\r")
        if not line.strip():
            continue
        path = Path(line)
        if (
            path.is_absolute()
            or (Path.cwd() / path).resolve().is_relative_to(root)
            and not (root / path).exists()
        ):
            try:
                path = path.resolve().relative_to(root)
            except ValueError:
                raise CliError(f"--files-from: {line} is not inside {shown(str(in_dir))}") from None
        out.add(path.as_posix())
    return frozenset(out)


class Size(click.ParamType):
    """A size in bytes written as 200MB, 1.5GB, 800kB or a plain number of bytes."""

    name = "size"
    _UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9}

    def convert(self, value, param, ctx):
        """Bytes from a size text; a usage error for anything else."""
        if isinstance(value, int):
            return value
        text = str(value).strip().lower().replace(" ", "")
        number = text.rstrip("kmgb")
        unit = text[len(number) :]
        try:
            size = float(number) * self._UNITS[unit]
        except (ValueError, KeyError):
            self.fail(f"{value!r} is not a size (write 200MB, 1.5GB or 800kB)", param, ctx)
        if not 0 < size < 2**63:
            self.fail(f"{value!r}: give a size above zero", param, ctx)
        return int(size)


MAX_SIZE_OPTION = click.option(
    "--max-size",
    type=Size(),
    default="200MB",
    show_default=True,
    help="Refuse, unread, any file larger than this (200MB, 1GB, 800kB).",
)


OUTPUT_HELP = (
    "Output table: .csv, .tsv, .jsonl, .parquet, .xlsx or .dta (Stata), by its extension; a name ending in / is a folder "
    "to write into (stdout when absent)."
)


def table_options(command):
    """The options of every command that writes a table: -o, --format, --excel."""
    command = EXCEL(command)
    command = click.option(
        "--format", "fmt", type=click.Choice(FORMATS), help="Table format (default: from -o's extension)."
    )(command)
    return click.option("-o", "--output", type=click.Path(), help=OUTPUT_HELP)(command)


PATHS = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True, path_type=Path)
)
STDIN_SUFFIX = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "mhtml": ".mhtml"}


@contextlib.contextmanager
def stdin_paths(paths: tuple[Path, ...], max_size: int):
    """The paths, with `-` standing for the document read from standard input (saved as `stdin.txt`,
    `stdin.pdf` ... by its content, in a temporary folder removed afterwards)."""
    if Path("-") not in paths:
        yield paths
        return
    data = sys.stdin.buffer.read(max_size + 1)
    if len(data) > max_size:
        raise CliError(f"-: standard input is over the limit of {human_size(max_size)}; refused")
    with tempfile.TemporaryDirectory(prefix="cnplan-") as folder:
        path = Path(folder) / ("stdin" + STDIN_SUFFIX.get(detect_format(data), ".txt"))
        path.write_bytes(data)
        yield tuple(path if p == Path("-") else p for p in paths)


TABLES = click.argument("tables", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))


def chart_options(plot_help: str):
    """The options of every command that draws a chart: --plot (with its help), --dpi and --lang."""

    def add(command):
        command = click.option(
            "--lang",
            type=click.Choice(("zh", "en")),
            default="zh",
            show_default=True,
            help="Words of the chart: Chinese, or English (the catalog's name_en, English units).",
        )(command)
        command = click.option(
            "--dpi",
            type=click.IntRange(50, 1200),
            default=300,
            show_default=True,
            help="Resolution of a PNG chart.",
        )(command)
        return click.option("--plot", type=click.Path(dir_okay=False), help=plot_help)(command)

    return add


def matcher_options(command):
    """The options that set how indicator names are matched to the catalog: --catalog, --min-score."""
    command = click.option(
        "--min-score",
        type=click.FloatRange(0, 100),
        default=DEFAULT_MIN_SCORE,
        show_default=True,
        help="Lowest match score (0-100) that links a name to a catalog indicator.",
    )(command)
    return click.option(
        "--catalog",
        type=click.Path(exists=True, dir_okay=False),
        help="Your own indicator catalog (CSV with the columns of cnplan/lexicon/indicators.csv).",
    )(command)


def _matcher(catalog: str | None, min_score: float) -> Matcher:
    """A Matcher for the options, its catalog read now so that a bad file stops with one line."""
    try:
        load_catalog(catalog)
    except (LexiconError, OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{catalog}: {exc}" if isinstance(exc, OSError) else str(exc)) from None
    return Matcher(catalog, min_score)


class CliError(click.ClickException):
    """An error of a command, shown as one line with cnplan's prefix: `cnplan: cause`."""

    def show(self, file=None) -> None:
        """Print the one line on stderr."""
        click.echo(f"cnplan: {self.format_message()}", err=True)


class CliUsageError(click.UsageError):
    """A usage error (exit 2): the usage, the hint, then one line with cnplan's prefix."""

    def show(self, file=None) -> None:
        """Print the usage and the line on stderr."""
        if self.ctx is not None:
            click.echo(f"{self.ctx.get_usage()}\nTry '{self.ctx.command_path} --help' for help.\n", err=True)
        click.echo(f"cnplan: {self.format_message()}", err=True)


class _Cnplan(click.Group):
    """The command group: every error is one line with one prefix (`cnplan:`); a file the system will not
    write or read too, exit 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (CliError, CliUsageError):
            raise

        except click.UsageError as exc:  # click's own (a bad option value), ours alike
            raise CliUsageError(exc.format_message(), exc.ctx) from None
        except click.ClickException as exc:
            raise CliError(exc.format_message()) from None
        except OSError as exc:  # a missing or read-only folder, a full disk, a file where a folder should be
            _traceback_if_verbose(ctx)
            where = f"{exc.filename}: " if exc.filename else ""
            raise CliError(f"cannot write or read {where}{exc.strerror or exc}") from None
        except CnplanError as exc:  # an output that names a folder, a table too large for Excel
            _traceback_if_verbose(ctx)
            raise CliError(str(exc)) from None


def _traceback_if_verbose(ctx: click.Context) -> None:
    """With -v, print the traceback of the exception being handled (for a bug report), then its one line."""
    if isinstance(ctx.obj, Settings) and ctx.obj.verbose:
        traceback.print_exc()


@click.group(cls=_Cnplan, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cnplan")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only: no warnings, progress or summary.")
@click.option("-v", "--verbose", is_flag=True, help="Print a traceback with an error (for a bug report).")
@click.pass_context
def main(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Turn Chinese local-government planning documents into tidy tables.

    Reads text files (UTF-8, GB18030/GBK, Big5, UTF-16), PDFs with a text
    layer, Word .docx and saved web pages (.html, .htm, .mhtml). Legacy
    .doc, .wps and .rtf files are reported: convert them to .docx or PDF.

    \b
    Example:
      cnplan extract corpus/ -o indicators.csv
      cnplan -q batch plans/ -o out/
      cnplan normalize corpus/ -o out/normalized

    Shell completion (bash): eval "$(_CNPLAN_COMPLETE=bash_source cnplan)"
    """
    ctx.obj = Settings(quiet, verbose)


@main.command()
@PATHS
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the normalized .txt files (stdout for one file when absent).",
)
@MAX_SIZE_OPTION
def normalize(paths: tuple[Path, ...], outdir: Path | None, max_size: int) -> None:
    """Write the normalized UTF-8 text of documents (files or folders, recursively).

    \b
    Example:
      cnplan normalize corpus/001_f11c072e94adb095.txt
      cnplan normalize corpus/ -o out/normalized
      curl -s https://example.gov.cn/report.html | cnplan normalize -
    """
    with stdin_paths(paths, max_size) as paths:
        _need_documents(paths)
        failures = Failures()
        items = list(load(paths, max_size)) if outdir is None else load(paths, max_size)
        if outdir is None:
            good = [i for i in items if i.error is None]
            if len(good) > 1:
                raise click.UsageError("several documents: give -o DIR to write one file each")
        for item in items:
            if item.error is not None:
                failures(item.error)
                continue
            assert item.normalized is not None
            if item.warning is not None:
                failures(item.warning)
            if outdir is None:
                click.echo(item.normalized.text)
            else:
                atomic_write_text(outdir / f"{item.doc}.txt", item.normalized.text + "\n")
    failures.exit()


@main.command()
@PATHS
@table_options
@click.option("--min-len", default=2, show_default=True, help="Shortest term, in characters.")
@MAX_SIZE_OPTION
def terms(
    paths: tuple[Path, ...], output: str | None, fmt: str | None, excel: bool, min_len: int, max_size: int
) -> None:
    """Count the terms of documents: a tidy table (doc, part, term, count).

    Stopwords, punctuation and numbers are left out; words come from jieba
    with cnplan's planning lexicon.

    \b
    Example:
      cnplan terms corpus/ -o terms.csv
    """
    output, fmt = _table_target(output, fmt, "terms")
    with stdin_paths(paths, max_size) as paths:
        _need_documents(paths)
        failures = Failures()
        _emit_table(terms_frame(paths, failures, min_len, max_size), output, fmt, excel)
    failures.exit()


def _emit_rows(
    paths,
    failures,
    jobs: int,
    output: str | None,
    fmt: str | None,
    excel: bool,
    matcher: Matcher,
    max_size: int,
) -> None:
    """Stream the indicator rows to a file (written atomically at the end) or to stdout."""
    count = RunCount(failures, live=sys.stderr.isatty() and not failures.quiet)
    if fmt in ("parquet", "xlsx", "dta"):
        with TableWriter(output, COLUMNS, fmt) as writer:
            for df in iter_frames(paths, failures, jobs, matcher=matcher, max_size=max_size):
                writer.write(df)
                count.add(len(df))
    else:
        render = partial(render_counted, fmt=fmt)
        pieces = iter_frames(paths, failures, jobs, render=render, matcher=matcher, max_size=max_size)
        if output:
            with TableWriter(output, COLUMNS, fmt, excel) as writer:
                for text, rows in pieces:
                    writer.write_text(text)
                    count.add(rows)
        else:
            if fmt in ("csv", "tsv"):
                click.echo(("\t" if fmt == "tsv" else ",").join(COLUMNS))
            for text, rows in pieces:
                click.echo(text, nl=False)
                count.add(rows)
    if not failures.quiet:
        count.summary()


class RunCount:
    """Files and rows done so far: a live line on a terminal, and a closing summary line on stderr."""

    def __init__(self, failures: Failures, live: bool) -> None:
        self.failures, self.live = failures, live
        self.files = self.rows = 0
        self.start = self.shown = time.perf_counter()

    def add(self, rows: int) -> None:
        """Count one document and its rows; redraw the live line at most ten times a second."""
        self.files += 1
        self.rows += rows
        now = time.perf_counter()
        if self.live and now - self.shown > 0.1:
            self.shown = now
            click.echo(
                f"\rcnplan: {self.files + self.failures.count:,} files, {self.rows:,} rows",
                nl=False,
                err=True,
            )

    def summary(self) -> None:
        """The closing line: 1,800 files, 211,600 rows, 0 errors, 38 s."""
        seconds = time.perf_counter() - self.start
        files = self.files + self.failures.count
        click.echo(
            f"{chr(13) if self.live else ''}cnplan: {files:,} files, {self.rows:,} rows, "
            f"{self.failures.count:,} errors, {seconds:.1f} s",
            err=True,
        )


@main.command()
@PATHS
@table_options
@JOBS
@matcher_options
@MAX_SIZE_OPTION
def extract(
    paths: tuple[Path, ...],
    output: str | None,
    fmt: str | None,
    excel: bool,
    jobs: int | None,
    catalog: str | None,
    min_score: float,
    max_size: int,
) -> None:
    """Extract every target, count and deadline into the indicator table.

    Reads files and folders (recursively; .txt, .pdf, .docx, .html, .htm,
    .mhtml), normalizes them and writes one row per quantity with the columns of the extraction spec, in document order.
    A file that cannot be read is reported on stderr and skipped; the exit
    code is then 1. indicator_id and indicator_score link each row to the
    indicator catalog when its name matches one well enough.

    \b
    Example:
      cnplan extract corpus/ -o indicators.csv
      cnplan extract plan.txt --format jsonl
      cnplan extract plans/ --catalog my_indicators.csv --min-score 85 -o out.csv
    """
    output, fmt = _table_target(output, fmt, "indicators")
    matcher = _matcher(catalog, min_score)
    with stdin_paths(paths, max_size) as paths:
        _need_documents(paths)
        failures = Failures()
        _emit_rows(paths, failures, jobs or default_jobs(), output, fmt, excel, matcher, max_size)
    failures.exit()


@main.command()
@TABLES
@table_options
@matcher_options
@click.option(
    "--crosswalk",
    "reviewed",
    type=click.Path(exists=True, dir_okay=False),
    help="A crosswalk you reviewed: its names keep the cluster and canonical name you gave them.",
)
def match(
    tables: tuple[str, ...],
    output: str | None,
    fmt: str | None,
    excel: bool,
    catalog: str | None,
    min_score: float,
    reviewed: str | None,
) -> None:
    """Cluster the indicator names of tables into a crosswalk to review.

    Reads one or more tables written by `cnplan extract` and writes one row
    per distinct (name, unit): its cluster, the cluster's canonical name, the
    catalog indicator (when the name matches one), the score, and how many
    documents and rows use it. Names that match no catalog indicator are
    clustered among themselves. Correct the cluster and canonical columns,
    then feed the file back with --crosswalk (here, or to `cnplan compare`).

    \b
    Example:
      cnplan extract corpus/ -o indicators.csv
      cnplan match indicators.csv -o crosswalk.csv
      cnplan match indicators.csv more.csv --crosswalk reviewed.csv -o crosswalk.csv
    """
    from cnplan.match import crosswalk_tables

    output, fmt = _table_target(output, fmt, "crosswalk")
    matcher = _matcher(catalog, min_score)
    try:
        table = crosswalk_tables(tables, matcher, reviewed)
    except CnplanError as exc:
        raise click.ClickException(str(exc)) from None
    _emit_table(table, output, fmt, excel)


@main.command()
@TABLES
@table_options
@click.option("--kind", type=click.Choice(("target", "actual")), help="Only targets or only actual figures.")
@click.option("--year", type=int, help="Only figures of this year.")
@click.option(
    "--indicator",
    "indicators",
    multiple=True,
    help="Only this indicator (catalog id or crosswalk cluster); repeat for several.",
)
@click.option("--latest", is_flag=True, help="One row per region: each indicator's latest figure.")
@click.option("--long", "long_form", is_flag=True, help="Long form: one row per figure, with its sentence.")
@click.option(
    "--columns",
    type=click.Choice(("name", "id")),
    help="Head the wide table's columns with the indicator's name and unit, or its id (rd_intensity: "
    "safe names for Stata and R)  [default: name; id for .dta]",
)
@click.option(
    "--xlsx", type=click.Path(dir_okay=False), help="Also write an Excel workbook (sheet per kind)."
)
@chart_options(
    "Also draw a chart per indicator, a panel per year (one with --latest): .png, or .pdf and "
    ".svg (vector, for a paper)."
)
@click.option(
    "--scale",
    type=click.Choice(("auto", "linear", "log")),
    default="auto",
    show_default=True,
    help="The chart's value axis; auto is logarithmic when positive values span 100 times or more.",
)
@click.option(
    "--crosswalk",
    type=click.Path(exists=True, dir_okay=False),
    help="A reviewed crosswalk (from `cnplan match`): group names by its clusters.",
)
@matcher_options
def compare(
    tables: tuple[str, ...],
    output: str | None,
    fmt: str | None,
    excel: bool,
    kind: str | None,
    year: int | None,
    indicators: tuple[str, ...],
    latest: bool,
    long_form: bool,
    columns: str | None,
    xlsx: str | None,
    plot: str | None,
    dpi: int,
    lang: str,
    scale: str,
    crosswalk: str | None,
    catalog: str | None,
    min_score: float,
) -> None:
    """Put the figures of regions side by side: one row per region, one column per indicator.

    Reads tables written by `cnplan extract`. Rows are grouped by catalog
    indicator (or by the clusters of --crosswalk); each column is headed
    with the indicator and its unit, and values are converted to that unit.
    Rows are region, kind and year; when several figures fall in one cell,
    the last stated is kept. Rows without an indicator are left out.

    \b
    Example:
      cnplan compare indicators.csv -o compare.csv
      cnplan compare indicators.csv --kind target --year 2025 -o targets.csv
      cnplan compare indicators.csv --long -o panel.dta
      cnplan compare indicators.csv --latest --xlsx compare.xlsx --plot rd.png --indicator rd_intensity
      cnplan compare indicators.csv --plot fig1.pdf --indicator gdp_growth --lang en
    """
    from cnplan.compare import Selection, compare_tables, wide_figures
    from cnplan.compare.table import column_labels

    output, fmt = _table_target(output, fmt, "compare")
    _check_extra_outputs(xlsx, plot)
    matcher = _matcher(catalog, min_score)
    selection = Selection(kind, year, indicators, latest)
    try:
        long = compare_tables(tables, selection, crosswalk, matcher)
    except CnplanError as exc:
        raise click.ClickException(str(exc)) from None
    if not len(long):
        raise click.ClickException(
            f"no figure matches the selection ({selection.describe()}); nothing written"
        )
    if long_form:
        _emit_table(long, output, fmt, excel)
    else:
        style = columns or ("id" if fmt == "dta" else "name")
        labels = column_labels(long, matcher) if style == "id" else None
        _emit_table(wide_figures(long, selection, matcher, style), output, fmt, excel, labels)
    if xlsx:
        from cnplan.compare.excel import write_workbook

        write_workbook(long, xlsx, selection, matcher)
    if plot:
        from cnplan.compare.plot import ChartStyle

        _plot(long, plot, indicators, selection, ChartStyle(dpi, lang, scale), matcher)


def _check_extra_outputs(xlsx: str | None, plot: str | None) -> None:
    """Refuse, before any work, a workbook not named .xlsx or a chart not named .png, .pdf or .svg."""
    from cnplan.compare.plot import plot_format

    if xlsx and not xlsx.lower().endswith(".xlsx"):
        raise click.UsageError(f"--xlsx {xlsx}: a workbook is named .xlsx")
    if plot:
        try:
            plot_format(plot)
        except CnplanError as exc:
            raise click.UsageError(f"--plot {exc}") from None
        _need_plot()


def _plot(long, path: str, indicators: tuple[str, ...], selection, style, matcher) -> None:
    """Draw the charts, saying which indicators were drawn and which had no figure."""
    from cnplan.compare.plot import missing_glyphs, plot_figures

    drawn = plot_figures(long, path, indicators, selection, style, matcher)
    for absent in [i for i in indicators if i not in drawn]:
        click.echo(f"cnplan: no figure of {absent} to plot", err=True)
    if not drawn:
        click.echo("cnplan: nothing to plot; no chart written", err=True)
        return
    lacking = missing_glyphs(list(long["region"]) + list(long["indicator"]))
    if lacking:
        click.echo(
            f"cnplan: the bundled font lacks {lacking}; a system CJK font draws them if present", err=True
        )
    click.echo(f"cnplan: {path}: {', '.join(drawn)}", err=True)


@main.command()
@TABLES
@table_options
@click.option(
    "--indicator",
    "indicators",
    multiple=True,
    help="Only this indicator (catalog id, crosswalk cluster or name as written); repeat for several.",
)
@click.option(
    "--crosswalk",
    type=click.Path(exists=True, dir_okay=False),
    help="A reviewed crosswalk (from `cnplan match`): a target and an outcome are one indicator when "
    "they share its cluster.",
)
@chart_options(
    "Also draw one --indicator: a panel per region, targets hollow (a band for a range), outcomes "
    "filled, over the years (.png, .pdf or .svg)."
)
def track(
    tables: tuple[str, ...],
    output: str | None,
    fmt: str | None,
    excel: bool,
    indicators: tuple[str, ...],
    crosswalk: str | None,
    plot: str | None,
    dpi: int,
    lang: str,
) -> None:
    """Link each target to the figure a later document reports for it: was it met?

    Reads tables written by `cnplan extract` (several years of reports,
    communiqués, plans). A target of region R for indicator I and year Y is
    linked to the actual figure of R, I and Y from the nearest document
    written after Y; `met` is yes, no or unclear, `gap` the outcome minus the
    target in the target's unit. A target nobody reported on stays, with
    the outcome columns empty.

    \b
    Example:
      cnplan extract reports/ -o indicators.csv
      cnplan track indicators.csv -o attainment.csv
      cnplan track indicators.csv --indicator gdp_growth --plot gdp.png -o gdp.csv
    """
    from cnplan.track import track_frame

    output, fmt = _table_target(output, fmt, "attainment")
    _check_extra_outputs(None, plot)
    if plot and len(indicators) != 1:
        raise click.UsageError("--plot draws one indicator: give exactly one --indicator")
    try:
        table = track_frame(list(tables), crosswalk)
    except CnplanError as exc:
        raise click.ClickException(str(exc)) from None
    if indicators:
        table = table[table["indicator_id"].isin(indicators) | table["indicator"].isin(indicators)]
    if not len(table):
        raise click.ClickException(
            "no target with a year, a region and an indicator in the tables; nothing written"
        )
    _emit_table(table.reset_index(drop=True), output, fmt, excel)
    if not settings().quiet:
        linked = int((table["actual_doc"] != "").sum())
        met = int((table["met"] == "yes").sum())
        click.echo(f"cnplan: {len(table):,} targets, {linked:,} with an outcome, {met:,} met", err=True)
    if plot:
        from cnplan.compare.plot import ChartStyle
        from cnplan.track.plot import plot_attainment

        drawn = plot_attainment(table, plot, indicators[0], ChartStyle(dpi=dpi, lang=lang))
        if not drawn:
            click.echo(f"cnplan: no target of {indicators[0]} to plot; no chart written", err=True)
        else:
            click.echo(
                f"cnplan: {plot}: {indicators[0]}, {len(drawn)} region{'s' * (len(drawn) != 1)}", err=True
            )


@main.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.argument("table", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--docs",
    type=click.Path(exists=True, dir_okay=False),
    help="Gold docs.jsonl for region accuracy (default: beside GOLD).",
)
@click.option(
    "--by",
    type=click.Choice(["doc", "genre"]),
    default="doc",
    show_default=True,
    help="List the figures per document, or per genre the extractor found (the table's genre column).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--all-docs",
    is_flag=True,
    help="Score every gold document, a document without rows in the table counting as all missed "
    "(default: only the gold documents the table covers).",
)
def evaluate(gold: str, table: str, docs: str | None, by: str, as_json: bool, all_docs: bool) -> None:
    """Score an indicator table against a gold file (precision, recall, F1 ...).

    GOLD is a JSON Lines file with one annotated quantity per line (see the
    README for the format); TABLE is a table written by `cnplan extract`.

    \b
    Example:
      cnplan extract corpus/ -o indicators.csv
      cnplan evaluate tests/data/seeds.jsonl indicators.csv
      cnplan evaluate tests/data/wide.jsonl indicators.csv --by genre
    """
    from cnplan.evaluate import evaluate_files, format_report

    try:
        result = evaluate_files(gold, table, docs, by, all_docs)
    except (ValueError, KeyError) as exc:
        raise click.ClickException(str(exc)) from None
    if result["docs_scored"] < result["docs_gold"]:
        click.echo(
            f"cnplan: scored {result['docs_scored']} of the {result['docs_gold']} gold documents, those the "
            "table has rows of (--all-docs scores all)",
            err=True,
        )
    if as_json:
        import json

        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        click.echo(format_report(result))


class Progress:
    """Batch progress on stderr: a live bar on a terminal; otherwise a line per tenth of a long batch."""

    def __init__(self, live: bool, quiet: bool = False) -> None:
        self.live = live and not quiet
        self.quiet = quiet  # errors only
        self.start = time.perf_counter()
        self.bytes = 0
        self.new_bytes = 0  # of files done now, not reused from an earlier run: the rate the ETA counts on
        self.shown = 0.0
        self.tenth = 0

    def __call__(self, record, done: int, total: int, total_bytes: int) -> None:
        """Account for one finished file; report its error; redraw or log the progress."""
        self.bytes += record.size
        if not getattr(record, "cached", False):
            self.new_bytes += record.size
        if record.status == "error":
            self._line(f"cnplan: {shown(record.path)}: {record.error}")
        warning = repair_warning(record.path, record.encoding)
        if warning is not None and not self.quiet:
            self._line(f"cnplan: warning: {warning}")
        if self.quiet:
            return
        now = time.perf_counter()
        if self.live and (now - self.shown > 0.1 or done == total):
            self.shown = now
            click.echo("\r" + self.status(done, total, total_bytes), nl=done == total, err=True)
        elif not self.live and total >= 50 and done * 10 // total > self.tenth:
            self.tenth = done * 10 // total
            click.echo(f"cnplan: {self.status(done, total, total_bytes)}", err=True)

    def status(self, done: int, total: int, total_bytes: int) -> str:
        """files done, MB done, MB/s of the files done now, and the time the files left will take at it
        (files reused from an earlier run cost nothing and do not speed the estimate up)."""
        elapsed = max(time.perf_counter() - self.start, 1e-6)
        rate = self.new_bytes / elapsed
        remaining = max(total_bytes - self.bytes, 0)
        eta = time.strftime("%H:%M:%S", time.gmtime(remaining / rate)) if rate else "--:--:--"
        if not remaining:
            eta = "00:00:00"
        return (
            f"{done}/{total} files  {self.bytes / 1e6:.1f}/{total_bytes / 1e6:.1f} MB  "
            f"{rate / 1e6:.2f} MB/s  ETA {eta}  "
        )

    def phase(self, name: str, files: int) -> None:
        """Say that the files are done and the tables are being written (the last, quiet-looking phase)."""
        if not self.quiet and (self.live or files >= 50):
            click.echo(f"cnplan: writing the tables of {files:,} files …", err=True)

    def _line(self, text: str) -> None:
        """Print a line above the bar."""
        if self.live:
            click.echo("\r\x1b[K", nl=False, err=True)
        click.echo(text, err=True)


def output_folder(help_text: str):
    """The required -o OUT_DIR of the commands that write a folder (batch, merge)."""
    return click.option(
        "-o",
        "--output",
        "out_dir",
        required=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=help_text,
    )


@main.command()
@click.argument("in_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@output_folder("Output folder (created; may already hold an earlier run to resume).")
@JOBS
@click.option(
    "--format",
    "fmt",
    type=click.Choice(BATCH_FORMATS),
    default="csv",
    show_default=True,
    help="Table format.",
)
@EXCEL
@click.option("--force", is_flag=True, help="Redo every file, even those done by an earlier run.")
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="Run on a Dask scheduler (tcp://host:8786), or `local` for a LocalCluster on this machine; "
    'needs pip install "cnplan[dask]".',
)
@click.option(
    "--shard",
    type=ShardParam(),
    help="Only shard I of N (1/4 … 4/4: files by a hash of their path); merge the outputs with `cnplan merge`.",
)
@click.option(
    "--files-from",
    type=click.File("r", encoding="utf-8"),
    help="Only the files listed in this file, one path per line (relative to IN_DIR); - for stdin.",
)
@click.option(
    "--include", multiple=True, metavar="GLOB", help="Only files matching (a glob without / matches names)."
)
@click.option(
    "--exclude", multiple=True, metavar="GLOB", help="Leave out files matching; repeat for several."
)
@click.option(
    "--clean",
    is_flag=True,
    help="Remove the resume state (OUT_DIR/.cnplan) after the run: less disk, but a rerun redoes every file.",
)
@matcher_options
@MAX_SIZE_OPTION
def batch(
    in_dir: Path,
    out_dir: Path,
    jobs: int | None,
    fmt: str,
    excel: bool,
    force: bool,
    dask_address: str | None,
    shard: tuple[int, int] | None,
    files_from,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    clean: bool,
    catalog: str | None,
    min_score: float,
    max_size: int,
) -> None:
    """Turn a whole folder tree into tables, on every core, resumably.

    Writes into OUT_DIR: indicators.csv (all documents), terms.csv,
    normalized/ (the normalized texts, mirroring IN_DIR) and manifest.csv
    (one row per input file: size, sha256, encoding, format, script,
    region, rows, status ok/error/skipped and the error).

    A bad file is an error row and a line on stderr; the batch goes on and
    exits 1 at the end. Interrupted and run again, it resumes: files already
    done (same content, same cnplan, catalog and --min-score) are not redone.
    Tables are written atomically.

    \b
    Example:
      cnplan batch corpus/ -o out/
      cnplan batch plans/ -o out/ --jobs 2 --format parquet
      cnplan batch reports/ -o out/ --dask tcp://10.0.0.5:8786
      cnplan batch reports/ -o out3/ --shard 3/8 && cnplan merge out1/ … out8/ -o out/
    """
    from cnplan.batch import batch as run_batch
    from cnplan.batch.plan import Subset

    if fmt == "parquet":
        _need_pyarrow()
    matcher = _matcher(catalog, min_score)
    quiet = settings().quiet
    progress = Progress(live=sys.stderr.isatty(), quiet=quiet)
    try:
        summary = run_batch(
            in_dir,
            out_dir,
            jobs,
            fmt,
            excel,
            force,
            on_record=progress,
            matcher=matcher,
            max_size=max_size,
            command=["cnplan", *sys.argv[1:]],
            subset=Subset(shard, include, exclude, _listed(files_from, in_dir)),
            dask=dask_address,
            on_phase=progress.phase,
            clean=clean,
        )
    except KeyboardInterrupt:
        click.echo("\ncnplan: interrupted; run the same command again to resume", err=True)
        sys.exit(130)
    except CnplanError as exc:
        raise click.ClickException(str(exc)) from None
    if not quiet:
        click.echo(
            f"cnplan: {summary.files} files: {summary.ok} ok ({summary.reused} reused from an earlier run), "
            f"{summary.errors} errors, {summary.skipped} skipped; {summary.rows} rows in {summary.seconds:.1f} s",
            err=True,
        )
    for path in summary.outputs:
        click.echo(path)
    if summary.ok + summary.errors == 0:
        click.echo(f"cnplan: warning: {NO_DOCUMENTS.format(where=shown(str(in_dir)))}", err=True)
    if summary.errors or summary.ok + summary.errors == 0:
        sys.exit(1)


@main.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@output_folder("The folder of the merged tables (created).")
@EXCEL
def merge(folders: tuple[str, ...], out_dir: Path, excel: bool) -> None:
    """Merge the output folders of `cnplan batch --shard` runs into one.

    Writes the tables a single run over all files would have written (same
    rows, same order, same bytes), the manifest, the normalized texts, and
    the state, so that OUT resumes like a batch folder.

    \b
    Example:
      cnplan batch reports/ -o out1/ --shard 1/2
      cnplan batch reports/ -o out2/ --shard 2/2
      cnplan merge out1/ out2/ -o out/
    """
    from cnplan.batch.merge import merge as run_merge

    try:
        summary = run_merge(list(folders), out_dir, excel, ["cnplan", *sys.argv[1:]])
    except CnplanError as exc:
        raise click.ClickException(str(exc)) from None
    if not settings().quiet:
        click.echo(
            f"cnplan: {summary.files} files from {len(folders)} folders: {summary.ok} ok, {summary.errors} errors, "
            f"{summary.skipped} skipped; {summary.rows} rows",
            err=True,
        )
    for path in summary.outputs:
        click.echo(path)


@main.command()
@table_options
@click.option(
    "--table",
    type=click.Choice(("indicators", "manifest", "terms")),
    help="Only the columns of this table (default: all).",
)
def codebook(output: str | None, fmt: str | None, excel: bool, table: str | None) -> None:
    """List every column cnplan writes: its table, type and meaning, labelled in Chinese and English.

    A batch writes the same list as codebook.csv beside its tables.

    \b
    Example:
      cnplan codebook
      cnplan codebook --table indicators -o codebook.xlsx
    """
    from cnplan.codebook import codebook_frame

    output, fmt = _table_target(output, fmt, "codebook")
    _emit_table(codebook_frame(table), output, fmt, excel)


@main.command()
@PATHS
@click.option(
    "-o",
    "--output",
    help="The page (.html); for several documents a folder (`out/`), one DOC.html each. "
    "Default: standard output, for one document.",
)
@click.option(
    "--low-score",
    type=click.FloatRange(0, 100),
    default=95.0,
    show_default=True,
    help="List a row to check first when its catalog score is below this.",
)
@matcher_options
@MAX_SIZE_OPTION
def review(
    paths: tuple[Path, ...],
    output: str | None,
    low_score: float,
    catalog: str | None,
    min_score: float,
    max_size: int,
) -> None:
    """Write a review page: the document with every extracted figure highlighted.

    One self-contained HTML file (no server, no internet): targets and
    actual figures in two colours, a figure's row on a click, and a list of
    the rows to check first (no year, no region, a weak catalog match).

    \b
    Example:
      cnplan review corpus/001_f11c072e94adb095.txt -o review.html
      cnplan review corpus/ -o reviews/
    """
    from cnplan.review import review_document, write_review

    matcher = _matcher(catalog, min_score)
    if output == "-":
        output = None
    with stdin_paths(paths, max_size) as paths:
        _need_documents(paths)
        failures = Failures()
        several = len(list(walk(paths))) > 1  # decided before any document is read: pages are streamed
        folder = output is not None and (several or output.endswith(("/", os.sep)) or os.path.isdir(output))
        if several and output is None:
            raise click.UsageError("several documents: give -o DIR/ to write one page each")
        if output is not None and not folder and not output.lower().endswith((".html", ".htm")):
            raise click.UsageError(f"-o {output}: a review page is named .html (or give a folder, out/)")
        for item in load(paths, max_size):
            if item.error is not None:
                failures(item.error)
                continue
            if item.warning is not None:
                failures(item.warning)
            page, rows = review_document(item.normalized, item.doc, matcher, low_score)
            if output is None:
                click.echo(page, nl=False)
                continue
            target = os.path.join(output, f"{item.doc}.html") if folder else output
            os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
            write_review(target, page)
            if not settings().quiet:
                click.echo(f"cnplan: {shown(target)}: {len(rows):,} rows", err=True)
    failures.exit()


def _need_plot() -> None:
    """Stop with one line when a chart is asked for without matplotlib."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise CliError('--plot needs: pip install "cnplan[plot]"') from None


def _need_pyarrow() -> None:
    """Stop with one line when parquet output is asked for without pyarrow."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise click.ClickException('parquet output needs: pip install "cnplan[parquet]"') from None


if __name__ == "__main__":
    main()
