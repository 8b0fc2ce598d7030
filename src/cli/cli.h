/*
 * cli: the intake command line (CONTRACT 2).
 * Owns: argument parsing, the command table, exit statuses, human output on stderr.
 * Knows nothing of: internals of the modules it calls (it uses their public headers).
 */
#ifndef INTAKE_CLI_CLI_H
#define INTAKE_CLI_CLI_H

/* Runs one intake command; returns the process exit status (CONTRACT 2). */
int cli_main(int argc, char **argv);

#endif
