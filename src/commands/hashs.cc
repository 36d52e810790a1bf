// hash commands: being implemented; registers nothing yet.
#include "server/command.h"

namespace peregrine::server {

void register_hash_commands(CommandTable&) {}

}  // namespace peregrine::server
