// set commands: being implemented; registers nothing yet.
#include "server/command.h"

namespace peregrine::server {

void register_set_commands(CommandTable&) {}

}  // namespace peregrine::server
