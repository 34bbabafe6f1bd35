//! The terminal interface.

use crate::cli::Cli;

/// Start the TUI on the store the flags name.
pub fn run(cli: &Cli) -> anyhow::Result<()> {
    let _store = cli.open_store()?;
    anyhow::bail!("界面尚在建设中；请先使用子命令（yuanqi --help）")
}
