// gleaner-cli tokenize: the model's token ids for a text (special-token text is not parsed).
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/engine_args.h"
#include "cli/json_writer.h"
#include "vocab.h"

namespace gleaner::cli {

int cmd_tokenize(const CommandArgs& argv) {
    Args args(argv, {"model", "text"}, {"bos", "json", "special"});
    const auto text = args.get("text");
    if (!text) throw UsageError("--text is required");
    const auto model = load_model_from_args(args);
    const std::vector<int32_t> ids = model->tokenizer().encode(*text, args.flag("bos"), args.flag("special"));
    if (args.flag("json")) {
        JsonWriter j;
        j.begin_object().key("ids").begin_array();
        for (int32_t id : ids) j.value(static_cast<int64_t>(id));
        j.end_array().end_object();
        std::printf("%s\n", j.str().c_str());
        return 0;
    }
    for (int32_t id : ids)
        std::printf("%6d  %s\n", id, json_quote(model->tokenizer().decode_token(id)).c_str());
    return 0;
}

}  // namespace gleaner::cli
