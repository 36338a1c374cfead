"""Command modules of the ``govkg`` CLI, registered by :data:`graph.cli.COMMAND_MODULES`."""
