"""The CLI's subcommands, one module each; they script the same backends as the panes."""
