// context.hpp — what a cached call's answer depends on besides its query text, params, search_path
// and source relations: the calling roles, every setting that can change the answer's bytes or
// meaning, and the schema state private to this session (its temporary objects). It is built
// as opaque bytes, stored with an entry and compared whole by a hit (docs/extension/cache.md,
// "What is keyed").
//
// Keyed settings are derived from PostgreSQL's GUC table, not listed by hand: every setting of
// the groups "Client Connection Defaults / Statement Behavior, Locale and Formatting, Other
// Defaults", "Version and Platform Compatibility" and every custom setting (app.*, placeholders,
// other extensions'), less a short reviewed list of those that cannot change what a read returns
// (timeouts, transaction defaults, vacuum and tablespace settings, message levels) and azora_opt's
// own. A setting added by a later PostgreSQL in those groups is keyed without a code change.
#pragma once

#include <string>

namespace azora::cache {

// Appends this call's context to *out: current_user, session_user, the keyed settings' values
// and, once this session has a temporary schema, a tag private to this session and its
// temporary-object DDL (so its entries are never served to another session, nor across its own
// temp DDL). Reads the GUC variables directly: no allocation beyond *out, no catalog access.
void append_call_context(std::string* out);

// Whether current_setting(name) is keyed, i.e. may be read by a cached query. Plain C++ with
// no exception and no PostgreSQL error: callable from fill.cpp's PostgreSQL-style frames.
bool setting_is_keyed(const char* name) noexcept;

// A utility statement changed only this session's temporary objects: entries this session
// filled before it are no longer served to it (other sessions are unaffected).
void note_private_schema_change() noexcept;

}  // namespace azora::cache
