/* intake: the entry point. Everything happens in cli/. */
#include "cli/cli.h"
#include "base/banned.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
