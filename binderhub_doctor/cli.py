"""Command line: parses options and wires the modules together; it decides nothing itself.

Exit codes (public, see README): 0 no finding at the failing level, 1 findings at the failing
level (or a failed check), 2 unusable invocation or input.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__, reporters
from .commands import CHART_VERSION_HELP, SECRET_FILE_HELP
from .errors import EXIT_USAGE, UsageProblem, program_name
from .launch import EXIT_INTERRUPTED


def debug_enabled() -> bool:
    return os.environ.get("HELM_DEBUG", "").strip().lower() in ("1", "true", "yes") or \
        os.environ.get("BINDERHUB_DOCTOR_DEBUG", "") not in ("", "0")


def colour_wanted(no_color: bool = False) -> bool:
    context = click.get_current_context(silent=True)
    if no_color or os.environ.get("NO_COLOR") or (context is not None and context.meta.get(NO_COLOR_KEY)):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def split_list(values: tuple[str, ...]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


# Commands that live in their own modules, imported only when used: `lint` must not pay for
# requests or docker, which the network commands need.
LAZY_COMMANDS = {
    "check-registry": "binderhub_doctor.commands.check_registry:command",
    "check-github": "binderhub_doctor.commands.check_providers:check_github",
    "check-gitlab": "binderhub_doctor.commands.check_providers:check_gitlab",
    "doctor": "binderhub_doctor.commands.doctor:command",
    "status": "binderhub_doctor.commands.status:command",
    "install": "binderhub_doctor.commands.helm_release:install",
    "upgrade": "binderhub_doctor.commands.helm_release:upgrade",
    "connect": "binderhub_doctor.commands.connect:command",
    "init": "binderhub_doctor.commands.init:command",
    "values": "binderhub_doctor.commands.values:command",
}


NO_COLOR_KEY = "binderhub_doctor.no_color"


def _remember_no_color(ctx, _param, value):
    if value:
        ctx.meta[NO_COLOR_KEY] = True  # for this run only: colour_wanted() asks the context


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        available = [name for name, target in LAZY_COMMANDS.items() if _module_exists(target)]
        return sorted([*super().list_commands(ctx), *available])

    def get_command(self, ctx, name):
        if name in LAZY_COMMANDS and _module_exists(LAZY_COMMANDS[name]):
            import importlib

            module_name, _, attribute = LAZY_COMMANDS[name].partition(":")
            return _with_no_color(getattr(importlib.import_module(module_name), attribute))
        command = super().get_command(ctx, name)
        return _with_no_color(command) if command is not None else None


def _with_no_color(command: click.Command) -> click.Command:
    """Every command takes --no-color (scripts pass it to all alike); lint has its own."""
    if not any(param.name in ("no_color", "no_color_everywhere") for param in command.params):
        command.params.append(click.Option(
            ["--no-color", "no_color_everywhere"], is_flag=True, expose_value=False, callback=_remember_no_color,
            help="No colour (NO_COLOR is honoured too)."))
    return command


def _module_exists(target: str) -> bool:
    module_name = target.partition(":")[0]
    relative = module_name.split(".")[1:]
    return (Path(__file__).parent.joinpath(*relative).with_suffix(".py")).is_file()


@click.group(cls=LazyGroup, invoke_without_command=True, subcommand_metavar="COMMAND [ARGS]...",
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="binderhub-doctor")
@click.pass_context
def cli(ctx):
    """Catch BinderHub misconfigurations before you deploy.

    Lint secret.yaml and config.yaml offline, probe the registry and repository-provider
    credentials, and install or upgrade the chart safely.
    """
    if ctx.invoked_subcommand is None:  # `helm binder` alone: the help, as `helm` alone prints its own
        click.echo(ctx.get_help())


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(readable=False))
@click.option("--format", "fmt", type=click.Choice(reporters.FORMATS),
              help="Output format. Default: text, or github when GITHUB_ACTIONS=true.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--secret-file", "secret_files", multiple=True, type=click.Path(readable=False),
              help=SECRET_FILE_HELP)
@click.option("--values-key", help="Lint the BinderHub values found under this key of a meta-chart (e.g. binderhub).")
@click.option("--no-values-key", is_flag=True, help="Do not detect a meta-chart key automatically.")
@click.option("--chart-version", help=CHART_VERSION_HELP)
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(readable=False), help="Extra folder of rule files (repeatable).")
@click.option("--config", "config_file", type=click.Path(readable=False), help="Config file (default: .binderhub-doctor.yaml found upwards).")
@click.option("--select", multiple=True, help="Only these rule ids/prefixes/names (comma-separated).")
@click.option("--ignore", multiple=True, help="Skip these rule ids/prefixes/names (comma-separated).")
@click.option("--no-color", is_flag=True, help="No colour (NO_COLOR is honoured too).")
@click.option("--quiet", "-q", is_flag=True, help="Text format: no fix hints.")
@click.option("--folder-sets", is_flag=True,
              help="Lint each folder's values files as one set (secret files first), whichever of them "
                   "are named: what the pre-commit hook uses.")
@click.option("--fix", is_flag=True,
              help="Fix what has exactly one correct fix, in place (comments, quoting and permissions kept); "
                   "then report what remains.")
@click.option("--diff", is_flag=True,
              help="Show the fixes --fix would make as a unified diff (secrets redacted); write nothing. "
                   "Exit 1 when there is something to fix.")
def lint(files, fmt, output, strict, secret_files, values_key, no_values_key, chart_version, rule_dirs,
         config_file, select, ignore, no_color, quiet, folder_sets, fix, diff):
    """Lint values files offline (default: secret.yaml and config.yaml here).

    FILES are merged in order, as `helm -f A -f B` merges them; a folder stands for its
    *secret*.yaml, config*.yaml and values*.yaml files, secret files first. With --fix, the
    fixable findings (`binderhub-doctor rules` marks them) are repaired first.
    """
    from .commands.lint import LintOptions, run_lint

    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    options = LintOptions(
        files=list(files), fmt=fmt, output=output, strict=strict, secret_files=list(secret_files),
        values_key="" if no_values_key else values_key, chart_version=chart_version,
        rule_dirs=list(rule_dirs), config_file=config_file, select=split_list(select),
        ignore=split_list(ignore), colour=colour_wanted(no_color) and not output, quiet=quiet,
        folder_sets=folder_sets, fix=fix, diff=diff,
    )
    sys.exit(run_lint(options, UsageProblem))


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(readable=False), help="Extra folder of rule files.")
def rules_command(fmt, rule_dirs):
    """List every rule: id, name, severity, summary."""
    import json

    rules = sorted(_load_rules(rule_dirs), key=lambda rule: rule.id)  # by id: a reader looks one up by its id
    if fmt == "json":
        click.echo(json.dumps({"version": 1, "rules": [r.summary_dict() for r in rules]}, indent=2))
        return
    width = max(len(r.name) for r in rules)
    for rule in rules:
        click.echo(f"{rule.id}  {rule.name:<{width}}  {rule.severity:<7}  {rule.summary}")


@cli.command()
@click.argument("rule_id")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(readable=False), help="Extra folder of rule files.")
def explain(rule_id, rule_dirs):
    """Explain one rule (by id or name), with examples that pass and fail."""
    from .rule_docs import explain_text
    from .ruleset import find_rule

    rules = _load_rules(rule_dirs)
    rule = find_rule(rules, rule_id)
    if rule is None:
        from .config import rule_suggestion

        raise UsageProblem(f"no rule `{rule_id}`{rule_suggestion(rule_id, rules)}")
    click.echo(explain_text(rule))


def _load_rules(rule_dirs):
    from .ruleset import RuleFileError, load_rules

    try:
        return load_rules(list(rule_dirs))
    except RuleFileError as exc:
        raise UsageProblem(str(exc)) from None




def main(argv=None):
    """Every command's output leaves through the redacting sink (output.py), click's own
    messages and a debug traceback included."""
    from . import output

    # One run, one set of secrets: a second main() in the same process (tests, an embedding
    # program) must neither mask the last run's secrets in its text nor take a word the last
    # run saw outside a secret field as common, and so leave a secret of its own unmasked.
    output.SECRETS.forget()
    output.install()
    try:
        sys.exit(run(argv))
    finally:
        output.finish()


def run(argv=None) -> int:
    try:
        # Not standalone: click would turn Ctrl-C into "Aborted!" and exit 1, the findings code.
        code = cli.main(args=argv, prog_name=program_name(), standalone_mode=False)
        return code if isinstance(code, int) else 0  # click returns ctx.exit()'s code
    except (KeyboardInterrupt, click.exceptions.Abort) as exc:
        if isinstance(exc, click.exceptions.Abort) and isinstance(exc.__cause__, EOFError):
            click.echo(f"{program_name()}: error: input ended", err=True)
            return EXIT_USAGE
        click.echo(f"{program_name()}: interrupted", err=True)
        return EXIT_INTERRUPTED
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        if isinstance(exc, click.UsageError):  # click's own: it quotes the arguments as given
            from .printable import printable

            exc.message = printable(exc.message)
        exc.show()
        return exc.exit_code
    except Exception as exc:  # a bug: say so in one line, with no value that could be a secret
        if debug_enabled():
            raise
        click.echo(f"{program_name()}: internal error ({type(exc).__name__}); "
                   "rerun with BINDERHUB_DOCTOR_DEBUG=1 for details and please report it", err=True)
        return EXIT_USAGE
