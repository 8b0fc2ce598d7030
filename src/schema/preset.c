/* The preset schemas (121, opencell, vibes, ticketshop), embedded from src/schema/presets/. */
#include "schema/schema.h"

#include <string.h>

#include "schema/preset_data.h"

#include "base/banned.h"

const char *schema_preset_json(const char *preset)
{
	if (!preset)
		return NULL;
	for (size_t i = 0; i < schema_preset_nfiles; i++)
		if (strcmp(schema_preset_files[i].name, preset) == 0)
			return schema_preset_files[i].text;
	return NULL;
}

const char *schema_preset_name(size_t i)
{
	return i < schema_preset_nfiles ? schema_preset_files[i].name : NULL;
}
