/*
 * The tests' phone reference and generator: libphonenumber's full Parse + IsValidNumber +
 * Format path, and phone cells written the ways people write them, from the library's
 * example numbers with their digits changed, plus invalid variants.
 */
#include "phone_ref.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

/* Default regions a generated cell may be checked with (a spec each in the tests). */
const char *const kRegions[] = {
	"US", "CA", "GB", "KE", "NG", "IN", "BR", "FR", "DE", "AR", "MX", "PH", "ET", "UG",
	"ZA", "AU", "NL", "CN", "JP", "IT", "RU", "EG", "BD", "PK", "ID", "TR", "ES", "CO",
	"PE", "SN", "CD", "SO", "SY", "LB", "UA", "AF", "HT", "GG", "BE", "CH",
};
const size_t kNRegions = sizeof(kRegions) / sizeof(kRegions[0]);

struct Example {
	std::string region;	/* "" for a non-geographical entity */
	int cc;
	std::string nsn;
	bool in_list;		/* region is one of kRegions */
};

struct Examples {
	std::vector<Example> all, listed, nanpa;
};

uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

struct Rng {
	uint64_t s;
	uint64_t next() { return s = mix(s); }
	size_t below(size_t n) { return (size_t)(next() % n); }
};

const Examples &examples()
{
	static const Examples *ex = [] {
		const PhoneNumberUtil *u = PhoneNumberUtil::GetInstance();
		Examples *e = new Examples;
		std::set<std::string> regions;
		u->GetSupportedRegions(&regions);
		std::set<std::string> listed(kRegions, kRegions + kNRegions);
		for (const std::string &r : regions) {
			for (int t = PhoneNumberUtil::FIXED_LINE; t <= PhoneNumberUtil::VOICEMAIL;
			     t++) {
				PhoneNumber pn;
				if (!u->GetExampleNumberForType(
					    r, (PhoneNumberUtil::PhoneNumberType)t, &pn))
					continue;
				Example x;
				x.region = r;
				x.cc = pn.country_code();
				u->GetNationalSignificantNumber(pn, &x.nsn);
				x.in_list = listed.count(r) != 0;
				e->all.push_back(x);
				if (x.in_list)
					e->listed.push_back(x);
				if (r == "US" || r == "CA")
					e->nanpa.push_back(x);
			}
		}
		std::set<int> global;
		u->GetSupportedGlobalNetworkCallingCodes(&global);
		for (int cc : global) {
			PhoneNumber pn;
			if (!u->GetExampleNumberForNonGeoEntity(cc, &pn))
				continue;
			Example x;
			x.cc = cc;
			u->GetNationalSignificantNumber(pn, &x.nsn);
			x.in_list = false;
			e->all.push_back(x);
		}
		return e;
	}();
	return *ex;
}

std::string replace_all(std::string s, char from, char to)
{
	for (char &c : s)
		if (c == from)
			c = to;
	return s;
}

/* A realistic written form of (cc, nsn); sets *region to the region it needs. */
std::string written(Rng &rng, const Example &x, const std::string &nsn, std::string *region)
{
	const PhoneNumberUtil *u = PhoneNumberUtil::GetInstance();
	std::string cc = std::to_string(x.cc), out;
	PhoneNumber pn;
	bool parsed = u->Parse("+" + cc + nsn, "ZZ", &pn) == PhoneNumberUtil::NO_PARSING_ERROR;
	size_t form = rng.below(13);

	/* National forms need the number's own region as the default; others any. */
	if (form >= 4 && form <= 7 && x.in_list && parsed) {
		*region = x.region;
		switch (form) {
		case 4: /* "020 7946 0958", "(201) 555-0123" */
			u->Format(pn, PhoneNumberUtil::NATIONAL, &out);
			return out;
		case 5:
			u->Format(pn, PhoneNumberUtil::NATIONAL, &out);
			return replace_all(out, ' ', '-');
		case 6:
			u->Format(pn, PhoneNumberUtil::NATIONAL, &out);
			return replace_all(out, ' ', '.');
		default: /* the national significant number alone: "2015550123", "712123456" */
			return nsn;
		}
	}
	size_t pick = rng.below(10);
	*region = pick < 4 ? "" : pick < 8 && x.in_list ? x.region
						      : kRegions[rng.below(kNRegions)];
	switch (form) {
	case 0:
		if (parsed) {
			/* "+44 20 7946 0958" */
			u->Format(pn, PhoneNumberUtil::INTERNATIONAL, &out);
			return out;
		}
		return "+" + cc + " " + nsn;
	case 1:
		return "+" + cc + nsn;
	case 2:
		return "00" + cc + " " + nsn;
	case 3:
		*region = "";	/* the country code without '+' */
		return cc + nsn;
	case 10: /* the country code without '+', with a default region */
		return cc + " " + nsn;
	case 11:
	case 12: /* dialled from the default region: "011 44 20 7946 0958" from the US */
		if (parsed && !region->empty()) {
			u->FormatOutOfCountryCallingNumber(pn, *region, &out);
			return out;
		}
		return "+" + cc + nsn;
	case 8:
		if (parsed) {
			u->Format(pn, PhoneNumberUtil::INTERNATIONAL, &out);
			return replace_all(out, ' ', '-');
		}
		return "+" + cc + "-" + nsn;
	default:
		return "+" + cc + " (" + nsn.substr(0, 3) + ") " + nsn.substr(3);
	}
}

std::string random_digits(Rng &rng, size_t n)
{
	std::string s;
	for (size_t i = 0; i < n; i++)
		s.push_back((char)('0' + rng.below(10)));
	return s;
}

std::string generate(uint64_t seed, uint64_t index, std::string *region)
{
	static const char *const garbage[] = {
		"n/a", "-", "none", "call me", "+", "++44 20 7946 0958", "0", "+1", "tel",
		"x", "#", "1-800-FLOWERS", "+1 800 FLOWERS", "(0)", "+44 (0) 20 7946 0958 ext. 12",
		"+44 20 7946 0958 / +44 20 7946 0959", "+44 20 7946 0958 x123",
		"tel:+1-201-555-0123",
		"+٩٧١٥٠١٢٣٤٥٦٧", "＋４４ ７４００ １２３４５６", "unknown", "00", "+0", "0044",
		"+254-7I2-I23456", "+1 (201) 555-0123;ext=4", "١٢٣", "+44 7400 123456#",
	};
	static const char *const bad_cc[] = {"0", "28", "80", "99", "999", "875", "969", "210",
					     "295", "384", "424", "671", "801", "883"};
	const Examples &ex = examples();
	Rng rng{mix(seed ^ mix(index))};
	size_t kind = rng.below(100);
	bool us = rng.below(10) == 0;
	const Example &x = us ? ex.nanpa[rng.below(ex.nanpa.size())] :
			   rng.below(2) ? ex.listed[rng.below(ex.listed.size())] :
					  ex.all[rng.below(ex.all.size())];
	std::string nsn = x.nsn;

	/* Change up to four trailing digits: many stay valid, some do not. */
	size_t k = rng.below(5);
	for (size_t i = 0; i < k && i + 1 < nsn.size(); i++)
		nsn[nsn.size() - 1 - i] = (char)('0' + rng.below(10));
	if (kind < 70)
		return written(rng, x, nsn, region);
	if (kind < 76) { /* unknown or impossible country codes */
		*region = rng.below(2) ? "" : kRegions[rng.below(kNRegions)];
		return std::string(rng.below(2) ? "+" : "00") + bad_cc[rng.below(14)] + " " +
		       random_digits(rng, 6 + rng.below(6));
	}
	if (kind < 82) { /* letter O for zero */
		std::string s = written(rng, x, nsn, region);
		for (char &c : s)
			if (c == '0')
				c = 'O';
		return s;
	}
	if (kind < 88) { /* garbage, sometimes with digits around it */
		*region = rng.below(2) ? "" : kRegions[rng.below(kNRegions)];
		std::string s = garbage[rng.below(sizeof(garbage) / sizeof(garbage[0]))];
		if (rng.below(3) == 0)
			s += " " + random_digits(rng, rng.below(12));
		return s;
	}
	if (kind < 94) { /* too short */
		size_t cut = 1 + rng.below(4);
		nsn = nsn.size() > cut + 1 ? nsn.substr(0, nsn.size() - cut) : nsn.substr(0, 1);
		return written(rng, x, nsn, region);
	}
	/* too long */
	nsn += random_digits(rng, 1 + rng.below(6));
	return written(rng, x, nsn, region);
}

} /* namespace */

extern "C" bool phone_ref_answer(const char *cell, size_t n, const char *region, char *e164,
				 size_t cap)
{
	try {
		const PhoneNumberUtil *u = PhoneNumberUtil::GetInstance();
		std::string t(cell, n), in;
		size_t b = t.find_first_not_of(' ');
		t = b == std::string::npos ? "" : t.substr(b, t.find_last_not_of(' ') - b + 1);
		bool has_region = region && *region;
		if (!t.empty() && t[0] == '+')
			in = t;
		else if (t.compare(0, 2, "00") == 0)
			in = "+" + t.substr(2);
		else if (has_region)
			in = t;
		else
			in = "+" + t;
		PhoneNumber pn;
		if (u->Parse(in, has_region ? region : "ZZ", &pn) !=
		    PhoneNumberUtil::NO_PARSING_ERROR)
			return false;
		if (!u->IsValidNumber(pn))
			return false;
		std::string out;
		u->Format(pn, PhoneNumberUtil::E164, &out);
		/* A valid number's answer is the form that parses to itself, still valid: a parse
		   may strip one national prefix, and a parse of its E.164 output another
		   (Mexico's old mobile '1'). */
		for (;;) {
			PhoneNumber again;
			std::string next;
			if (u->Parse(out, "ZZ", &again) != PhoneNumberUtil::NO_PARSING_ERROR)
				break;
			u->Format(again, PhoneNumberUtil::E164, &next);
			if (next == out)
				break;
			if (!u->IsValidNumber(again))
				return false;
			out = next;
		}
		snprintf(e164, cap, "%s", out.c_str());
		return true;
	} catch (...) {
		return false;
	}
}

extern "C" size_t phone_ref_generate(uint64_t seed, uint64_t index, char *cell, size_t cap,
				     char region[3])
{
	try {
		std::string r, s = generate(seed, index, &r);
		if (s.empty())
			s = "0";
		snprintf(region, 3, "%s", r.c_str());
		snprintf(cell, cap, "%s", s.c_str());
		return strlen(cell);
	} catch (...) {
		snprintf(cell, cap, "0");
		region[0] = '\0';
		return 1;
	}
}
