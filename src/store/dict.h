// PLACEHOLDER: being written; see the design comment once it lands.
#pragma once
