//! The `yuanqi` binary: parse arguments, run a subcommand or the TUI, map errors to exit codes.

use std::process::ExitCode;

use yuanqi::cli;

fn main() -> ExitCode {
    let cli = match cli::help::parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => return cli::help::exit(&e),
    };
    if cli.command.is_some() {
        // Subcommands write to pipes (`yuanqi search x | head`): die quietly on a closed pipe
        // like other Unix tools instead of panicking inside println!.
        // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    let result = match &cli.command {
        Some(command) => cli::run(&cli, command),
        None => yuanqi::tui::run(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A closed pipe (`yuanqi search x | head`) is not an error worth reporting.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let text = cli::error_text(&e);
            if cli::is_usage_mistake(&e) {
                eprintln!("错误：{text}\n\n查看用法：{} --help", cli.command_path());
                return ExitCode::from(2);
            }
            eprintln!("错误：{text}");
            ExitCode::from(1)
        }
    }
}
