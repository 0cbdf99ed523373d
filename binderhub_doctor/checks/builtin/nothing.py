"""For rules whose findings the engine makes itself (such as unused suppressions)."""

from ..kinds import builtin


@builtin
def nothing(values, spec, context):
    return ()
