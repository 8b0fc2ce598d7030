/*
 * The libphonenumber shim: the fast path runs the library's parsing and validation steps
 * on clean digits with its metadata patterns compiled by RE2; the reference path calls
 * Parse, IsValidNumber and Format themselves. No exception leaves this file.
 */
#include "value/phone_shim.h"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <re2/re2.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/banned.h"

/*
 * The compiled-in metadata of the installed library (exported by libphonenumber, declared
 * in its private metadata.h): the same bytes PhoneNumberUtil loads at start.
 */
namespace i18n {
namespace phonenumbers {
int metadata_size();
const void *metadata_get();
} /* namespace phonenumbers */
} /* namespace i18n */

namespace {

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberDesc;
using i18n::phonenumbers::PhoneNumberUtil;

const size_t kMinLengthForNsn = 2;	/* PhoneNumberUtil::kMinLengthForNsn */
const size_t kMaxLengthForNsn = 17;	/* PhoneNumberUtil::kMaxLengthForNsn */
const int kMaxCallingCode = 1000;

/* One PhoneNumberDesc: its pattern (null when empty: never matches) and lengths. */
struct Desc {
	std::unique_ptr<RE2> re;
	uint32_t lengths = 0;		/* bit L: length L is possible */
	bool any_length = true;		/* no possible_length given: no length filter */
};

enum LengthResult { IS_POSSIBLE, IS_POSSIBLE_LOCAL_ONLY, TOO_SHORT, INVALID_LENGTH, TOO_LONG };

/* One region's (or non-geographical entity's) metadata, compiled on first use. */
struct Meta {
	const PhoneMetadata *pb = nullptr;	/* in Registry::coll */
	std::string id;				/* "GB", or "001" */
	std::string cc_str;			/* the calling code in decimal */
	std::once_flag once;
	Desc general;
	Desc types[10];	/* premium, toll-free, shared cost, voip, personal, pager, uan,
			   voicemail, fixed line, mobile: GetNumberTypeHelper's order */
	std::unique_ptr<RE2> leading;		/* leading_digits, when present */
	std::unique_ptr<RE2> idd;		/* international_prefix */
	std::unique_ptr<RE2> npp;		/* national_prefix_for_parsing, when present */
	int npp_groups = 0;
	std::vector<int> lengths, local_lengths; /* general desc, for TestNumberLength */
};

struct Registry {
	PhoneMetadataCollection coll;
	std::unordered_map<std::string, Meta *> by_region;
	Meta *nongeo[kMaxCallingCode] = {};
	std::vector<Meta *> regions[kMaxCallingCode];	/* GetRegionCodesForCountryCallingCode */
	std::vector<std::unique_ptr<Meta>> all;
	std::vector<int> codes;
	bool ok = false;
};

RE2::Options re_options()
{
	RE2::Options o;
	o.set_log_errors(false);
	return o;
}

std::unique_ptr<RE2> compile(const std::string &pattern)
{
	std::unique_ptr<RE2> re(new RE2(pattern, re_options()));
	if (!re->ok())
		return nullptr;
	return re;
}

void compile_desc(const PhoneNumberDesc &d, Desc *out)
{
	if (!d.national_number_pattern().empty())
		out->re = compile(d.national_number_pattern());
	out->any_length = d.possible_length_size() == 0;
	for (int len : d.possible_length())
		if (len > 0 && len < 32)
			out->lengths |= 1u << len;
}

void compile_meta(Meta *m)
{
	const PhoneMetadata &pb = *m->pb;

	compile_desc(pb.general_desc(), &m->general);
	const PhoneNumberDesc *t[10] = {
		&pb.premium_rate(), &pb.toll_free(), &pb.shared_cost(), &pb.voip(),
		&pb.personal_number(), &pb.pager(), &pb.uan(), &pb.voicemail(),
		&pb.fixed_line(), &pb.mobile(),
	};
	for (int i = 0; i < 10; i++)
		compile_desc(*t[i], &m->types[i]);
	if (pb.has_leading_digits())
		m->leading = compile(pb.leading_digits());
	m->idd = compile(pb.international_prefix());
	if (!pb.national_prefix_for_parsing().empty()) {
		m->npp = compile(pb.national_prefix_for_parsing());
		if (m->npp)
			m->npp_groups = m->npp->NumberOfCapturingGroups();
	}
	m->lengths.assign(pb.general_desc().possible_length().begin(),
			  pb.general_desc().possible_length().end());
	m->local_lengths.assign(pb.general_desc().possible_length_local_only().begin(),
				pb.general_desc().possible_length_local_only().end());
}

Meta *ready(Meta *m)
{
	if (m)
		std::call_once(m->once, compile_meta, m);
	return m;
}

Registry *build_registry()
{
	std::unique_ptr<Registry> r(new Registry);
	if (!r->coll.ParseFromArray(i18n::phonenumbers::metadata_get(),
				    i18n::phonenumbers::metadata_size()))
		return r.release();
	for (const PhoneMetadata &pb : r->coll.metadata()) {
		std::unique_ptr<Meta> m(new Meta);
		m->pb = &pb;
		m->id = pb.id();
		m->cc_str = std::to_string(pb.country_code());
		if (m->id == "001") {
			if (pb.country_code() > 0 && pb.country_code() < kMaxCallingCode)
				r->nongeo[pb.country_code()] = m.get();
		} else {
			r->by_region[m->id] = m.get();
		}
		r->all.push_back(std::move(m));
	}
	const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
	std::set<int> codes;
	util->GetSupportedCallingCodes(&codes);
	for (int cc : codes) {
		if (cc <= 0 || cc >= kMaxCallingCode)
			continue;
		std::list<std::string> ids;
		util->GetRegionCodesForCountryCallingCode(cc, &ids);
		for (const std::string &id : ids) {
			Meta *m = id == "001" ? r->nongeo[cc] : r->by_region[id];
			if (m)
				r->regions[cc].push_back(m);
		}
		if (!r->regions[cc].empty())
			r->codes.push_back(cc);
	}
	r->ok = !r->codes.empty();
	return r.release();
}

Registry *registry()
{
	/* Built once, thread-safe (C++11 static initialisation); lives until exit. */
	static Registry *r = build_registry();
	return r;
}

bool full_match(const RE2 *re, const std::string &s)
{
	return re && re->Match(s, 0, s.size(), RE2::ANCHOR_BOTH, nullptr, 0);
}

/* IsNumberMatchingDesc: the lengths first, then the pattern. */
bool matches_desc(const std::string &s, const Desc &d)
{
	if (!d.any_length && (s.size() >= 32 || !(d.lengths & (1u << s.size()))))
		return false;
	return full_match(d.re.get(), s);
}

/* GetNumberTypeHelper(s) != UNKNOWN. */
bool has_type(const std::string &s, const Meta &m)
{
	if (!matches_desc(s, m.general))
		return false;
	for (int i = 0; i < 9; i++)
		if (matches_desc(s, m.types[i]))
			return true;
	return !m.pb->same_mobile_and_fixed_line_pattern() && matches_desc(s, m.types[9]);
}

/* TestNumberLength for the general description. */
LengthResult test_length(const std::string &s, const Meta &m)
{
	int len = (int)s.size();

	if (m.lengths.empty() || m.lengths[0] == -1)
		return INVALID_LENGTH;
	for (int l : m.local_lengths)
		if (l == len)
			return IS_POSSIBLE_LOCAL_ONLY;
	if (m.lengths[0] == len)
		return IS_POSSIBLE;
	if (m.lengths[0] > len)
		return TOO_SHORT;
	if (m.lengths.back() < len)
		return TOO_LONG;
	for (size_t i = 1; i < m.lengths.size(); i++)
		if (m.lengths[i] == len)
			return IS_POSSIBLE;
	return INVALID_LENGTH;
}

/* The length of the match of re anchored at the start of s (Perl's choice), or -1. */
long consume(const RE2 *re, const std::string &s, re2::StringPiece *groups, int ngroups)
{
	re2::StringPiece sub[3];

	if (!re || ngroups > 2)
		return -1;
	if (!re->Match(s, 0, s.size(), RE2::ANCHOR_START, sub, 1 + ngroups))
		return -1;
	for (int i = 0; i < ngroups; i++)
		groups[i] = sub[1 + i];
	return (long)sub[0].size();
}

/* MaybeStripNationalPrefixAndCarrierCode (the carrier code is not kept). */
void strip_national_prefix(const Meta &m, std::string *s)
{
	if (s->empty() || !m.npp)
		return;
	re2::StringPiece g[2];
	int ng = m.npp_groups > 2 ? 2 : m.npp_groups;
	long len = consume(m.npp.get(), *s, g, ng);
	if (len < 0)
		return;
	bool viable = full_match(m.general.re.get(), *s);
	const std::string &rule = m.pb->national_prefix_transform_rule();
	/* The library asks for two groups, then one; the last one asked is the prefix part. */
	std::string captured;
	if (ng == 2)
		captured.assign(g[1].data() ? g[1].data() : "", g[1].size());
	else if (ng == 1)
		captured.assign(g[0].data() ? g[0].data() : "", g[0].size());
	if (!rule.empty() && ng >= 1 && !captured.empty()) {
		std::string out;
		for (size_t i = 0; i < rule.size(); i++) {
			if (rule[i] == '$' && i + 1 < rule.size() && rule[i + 1] >= '1' &&
			    rule[i + 1] <= '2') {
				re2::StringPiece &p = g[rule[i + 1] - '1'];
				if (rule[i + 1] - '0' <= ng && p.data())
					out.append(p.data(), p.size());
				i++;
			} else {
				out.push_back(rule[i]);
			}
		}
		out.append(*s, (size_t)len, std::string::npos);
		if (viable && !full_match(m.general.re.get(), out))
			return;
		*s = out;
		return;
	}
	std::string rest = s->substr((size_t)len);
	if (viable && !full_match(m.general.re.get(), rest))
		return;
	*s = rest;
}

/* ParsePrefixAsIdd on digits. */
bool strip_idd(const Meta &m, std::string *s)
{
	long len = consume(m.idd.get(), *s, nullptr, 0);
	if (len < 0)
		return false;
	if ((size_t)len < s->size() && (*s)[(size_t)len] == '0')
		return false;
	s->erase(0, (size_t)len);
	return true;
}

/* ExtractCountryCode: the first known calling code of 1 to 3 digits, or 0. */
int extract_cc(const Registry &r, std::string *s)
{
	if (s->empty() || (*s)[0] == '0')
		return 0;
	int cc = 0;
	for (size_t i = 0; i < 3; i++) {
		if (i < s->size())
			cc = cc * 10 + ((*s)[i] - '0');
		if (cc < kMaxCallingCode && !r.regions[cc].empty()) {
			s->erase(0, i + 1 < s->size() ? i + 1 : s->size());
			return cc;
		}
	}
	return 0;
}

/*
 * MaybeExtractCountryCode for digits without a '+': false for its errors, else *ret_cc is
 * the calling code found (0 for none) and *s what follows it.
 */
bool extract_national(const Registry &r, Meta *def, std::string *s, int *ret_cc)
{
	*ret_cc = 0;
	if (!def)
		return true;
	if (!s->empty() && strip_idd(*def, s)) {
		if (s->size() <= kMinLengthForNsn)
			return false;
		*ret_cc = extract_cc(r, s);
		return *ret_cc != 0;
	}
	if (s->compare(0, def->cc_str.size(), def->cc_str) == 0) {
		std::string rest = s->substr(def->cc_str.size());
		strip_national_prefix(*def, &rest);
		if ((!full_match(def->general.re.get(), *s) &&
		     full_match(def->general.re.get(), rest)) ||
		    test_length(*s, *def) == TOO_LONG) {
			*s = rest;
			*ret_cc = def->pb->country_code();
		}
	}
	return true;
}

/* IsValidNumber on (cc, national significant number). */
bool is_valid(const Registry &r, int cc, const std::string &nsn)
{
	if (cc <= 0 || cc >= kMaxCallingCode || r.regions[cc].empty())
		return false;
	const std::vector<Meta *> &list = r.regions[cc];
	Meta *region = nullptr;
	if (list.size() == 1) {
		region = ready(list[0]);
	} else {
		for (Meta *m : list) {
			ready(m);
			if (m->pb->has_leading_digits()) {
				if (consume(m->leading.get(), nsn, nullptr, 0) >= 0) {
					region = m;
					break;
				}
			} else if (has_type(nsn, *m)) {
				region = m;
				break;
			}
		}
	}
	if (!region)
		return false;
	return has_type(nsn, *region);
}

Meta *region_meta(const Registry &r, const char *region)
{
	if (!region || !*region)
		return nullptr;
	auto it = r.by_region.find(region);
	return it == r.by_region.end() ? nullptr : ready(it->second);
}

void set_result(struct phone_shim_result *ret, bool valid, int cc, const std::string &nsn)
{
	ret->valid = valid;
	ret->cc = cc;
	size_t n = nsn.size() < PHONE_SHIM_NSN_MAX ? nsn.size() : PHONE_SHIM_NSN_MAX;
	memcpy(ret->nsn, nsn.data(), n);
	ret->nsn[n] = '\0';
}

bool check(enum phone_shim_mode mode, const char *digits, size_t n, int cc, size_t cc_len,
	   const char *region, struct phone_shim_result *ret)
{
	Registry &r = *registry();
	if (!r.ok)
		return false;
	Meta *def = region_meta(r, region);
	std::string s(digits, n);
	int found = 0;

	if (mode == PHONE_SHIM_PLUS) {
		if (n <= kMinLengthForNsn) {
			set_result(ret, false, 0, "");
			return true;
		}
		if (cc > 0 && cc < kMaxCallingCode && !r.regions[cc].empty() && cc_len <= n) {
			found = cc;
			s.erase(0, cc_len);
		} else if (def) {
			/* Parse retries a '+' number of no known calling code without the '+'. */
			if (!extract_national(r, def, &s, &found) || found == 0) {
				set_result(ret, false, 0, "");
				return true;
			}
		} else {
			set_result(ret, false, 0, "");
			return true;
		}
	} else {
		if (!def || !extract_national(r, def, &s, &found)) {
			set_result(ret, false, 0, "");
			return true;
		}
	}

	Meta *meta = def;
	if (found != 0) {
		Meta *main = r.regions[found][0];
		if (!def || main->id != def->id)
			meta = ready(main);
	} else {
		found = def->pb->country_code();
	}
	if (s.size() < kMinLengthForNsn) {
		set_result(ret, false, found, "");
		return true;
	}
	if (meta) {
		std::string p = s;
		strip_national_prefix(*meta, &p);
		LengthResult lr = test_length(p, *meta);
		if (lr != TOO_SHORT && lr != IS_POSSIBLE_LOCAL_ONLY && lr != INVALID_LENGTH)
			s = p;
	}
	if (s.size() < kMinLengthForNsn || s.size() > kMaxLengthForNsn) {
		set_result(ret, false, found, "");
		return true;
	}
	if (!is_valid(r, found, s)) {
		set_result(ret, false, found, s);
		return true;
	}
	/* Parse strips one national prefix, and a parse of its own E.164 output may strip
	   another (Mexico's old mobile '1': +52 1 1 46... gives +52 1 46..., then +52 46...).
	   A valid number's canonical form must read back as itself, so the stripping goes on
	   as a parse of '+cc nsn' would (the calling code's main region) until nothing
	   changes; each round shortens the number, so it ends. The settled number must be
	   valid too. */
	Meta *main = ready(r.regions[found][0]);
	bool valid = true;
	for (;;) {
		std::string p = s;
		strip_national_prefix(*main, &p);
		LengthResult lr = test_length(p, *main);
		if (p == s || lr == TOO_SHORT || lr == IS_POSSIBLE_LOCAL_ONLY ||
		    lr == INVALID_LENGTH || p.size() < kMinLengthForNsn)
			break;
		s = p;
		valid = is_valid(r, found, s);
		if (!valid)
			break;
	}
	set_result(ret, valid, found, s);
	return true;
}

void build_number(int cc, const char *nsn, PhoneNumber *pn)
{
	size_t len = strlen(nsn);
	uint64_t v = 0;

	for (size_t i = 0; i < len; i++)
		v = v * 10 + (uint64_t)(nsn[i] - '0');
	pn->set_country_code(cc);
	pn->set_national_number(v);
	if (len > 1 && nsn[0] == '0') {
		pn->set_italian_leading_zero(true);
		size_t zeros = 1;
		while (zeros < len - 1 && nsn[zeros] == '0')
			zeros++;
		if (zeros != 1)
			pn->set_number_of_leading_zeros((int)zeros);
	}
}

} /* namespace */

extern "C" bool phone_shim_check(enum phone_shim_mode mode, const char *digits, size_t n,
				 int cc, size_t cc_len, const char *region,
				 struct phone_shim_result *ret)
{
	try {
		return check(mode, digits, n, cc, cc_len, region, ret);
	} catch (...) {
		return false;
	}
}

extern "C" bool phone_shim_reference(const char *cell, size_t n, const char *region,
				     struct phone_shim_result *ret)
{
	try {
		const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
		std::string t(cell, n), in;
		bool has_region = region && *region;
		if (!t.empty() && t[0] == '+')
			in = t;
		else if (t.size() >= 2 && t[0] == '0' && t[1] == '0')
			in = "+" + t.substr(2);
		else if (has_region)
			in = t;
		else
			in = "+" + t;
		PhoneNumber pn;
		if (util->Parse(in, has_region ? region : "ZZ", &pn) !=
		    PhoneNumberUtil::NO_PARSING_ERROR) {
			set_result(ret, false, 0, "");
			return true;
		}
		std::string e164, nsn;
		util->Format(pn, PhoneNumberUtil::E164, &e164);
		bool valid = util->IsValidNumber(pn);
		/* A valid number is parsed again from its E.164 form until that stays the same,
		   and must still be valid (see check). Each change shortens it, so it ends. */
		while (valid) {
			PhoneNumber again;
			std::string next;
			if (util->Parse(e164, "ZZ", &again) != PhoneNumberUtil::NO_PARSING_ERROR)
				break;
			util->Format(again, PhoneNumberUtil::E164, &next);
			if (next == e164)
				break;
			pn = again;
			e164 = next;
			valid = util->IsValidNumber(pn);
		}
		std::string cc = "+" + std::to_string(pn.country_code());
		/* E.164 is '+', the calling code and the national significant number. */
		if (e164.compare(0, cc.size(), cc) != 0 ||
		    e164.size() - cc.size() > PHONE_SHIM_NSN_MAX)
			valid = false;
		else
			nsn = e164.substr(cc.size());
		set_result(ret, valid, pn.country_code(), nsn);
		return true;
	} catch (...) {
		return false;
	}
}

extern "C" bool phone_shim_format_national(int cc, const char *nsn, char *out, size_t cap)
{
	try {
		PhoneNumber pn;
		std::string s;
		build_number(cc, nsn, &pn);
		PhoneNumberUtil::GetInstance()->Format(pn, PhoneNumberUtil::NATIONAL, &s);
		if (s.size() + 1 > cap)
			return false;
		memcpy(out, s.c_str(), s.size() + 1);
		return true;
	} catch (...) {
		return false;
	}
}

extern "C" bool phone_shim_region_known(const char *region)
{
	try {
		Registry &r = *registry();
		return region && r.by_region.count(region) != 0;
	} catch (...) {
		return false;
	}
}

extern "C" size_t phone_shim_calling_codes(int *out, size_t cap)
{
	try {
		Registry &r = *registry();
		for (size_t i = 0; i < r.codes.size() && i < cap; i++)
			out[i] = r.codes[i];
		return r.codes.size();
	} catch (...) {
		return 0;
	}
}
