// samples_read.hpp — decoding an entry's sample area into Samples (samples.hpp), shared by the
// C++ API and azora_opt.query_samples().
#pragma once

#include "tracker/samples.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {

// What an entry holds for re-planning, copied under the tracker lock (palloc'd).
struct EntrySamples {
  Key key;
  int encoding;
  char* text;  // complete normalized text, or nullptr when incomplete
  int constants;
  int first_constant;
  SampleArea header;
  char* area;
};

// With the tracker lock held (for_each_entry, with_entry): copies e.
void copy_entry_samples(Entry* e, EntrySamples* out);

// Decodes the copy into Samples (palloc'd). A sample whose statement cannot be rebuilt complete
// gets statement nullptr if keep_incomplete, else it is left out.
int decode_samples(const EntrySamples& in, bool keep_incomplete, Sample** out);

}  // namespace azora::tracker
