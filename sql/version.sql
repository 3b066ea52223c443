-- version: the extension loads from shared_preload_libraries, reports its version, and owns
-- the azora_opt.* GUC namespace.
CREATE EXTENSION azora_opt;
SELECT azora_opt.version();
SELECT extversion FROM pg_extension WHERE extname = 'azora_opt';
SHOW shared_preload_libraries;
-- The prefix is reserved: an unknown azora_opt.* setting is refused, not silently accepted.
SET azora_opt.no_such_setting = 1;
