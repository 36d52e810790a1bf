// list commands: being implemented; registers nothing yet.
#include "server/command.h"

namespace peregrine::server {

void register_list_commands(CommandTable&) {}

}  // namespace peregrine::server
