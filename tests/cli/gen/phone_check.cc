/*
 * phone_check: asks libphonenumber about the phone cells intake-gen wrote. Reads lines
 * "EXPECT<TAB>REGION<TAB>PERSON<TAB>CELL" on standard input: EXPECT is 'v' (the generator
 * calls the cell valid) or 'x' (a bad_phone defect); REGION is the layout's default
 * region or '-'; PERSON is the row's identifier, '-' when the person has none, '?' when a
 * defect emptied it (the number is then only checked for validity).
 *
 * A cell read the way CONTRACT 9 says: "00" counts as '+'; without '+' it is a national
 * number of REGION, or, with no region, an international number missing its '+'.
 * Checks: every 'v' cell is valid, every 'x' cell is not, a person keeps one number and
 * no number belongs to two persons. Prints one line per failure (at most 20) and a last
 * line "checked N: V valid, X invalid, F failures"; exits 1 when anything failed.
 */
#include <phonenumbers/phonenumberutil.h>

#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <unordered_map>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

static bool is_valid(const PhoneNumberUtil &util, const std::string &cell,
		     const std::string &region, std::string *e164)
{
	std::string text = cell;
	std::string reg = "ZZ";
	PhoneNumber num;

	if (text.compare(0, 2, "00") == 0)
		text = "+" + text.substr(2);
	if (text.empty() || text[0] != '+') {
		if (region == "-")
			text = "+" + text;
		else
			reg = region;
	}
	if (util.Parse(text, reg, &num) != PhoneNumberUtil::NO_PARSING_ERROR)
		return false;
	if (!util.IsValidNumber(num))
		return false;
	util.Format(num, PhoneNumberUtil::E164, e164);
	return true;
}

int main()
{
	const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
	std::unordered_map<std::string, std::string> owner;	/* E.164 -> person */
	std::unordered_map<std::string, std::string> number;	/* person -> E.164 */
	std::set<std::string> unkeyed;				/* numbers of rows without PERSON */
	unsigned long checked = 0, valid = 0, invalid = 0, failures = 0;
	std::string line;

	auto fail = [&](const std::string &what) {
		if (++failures <= 20)
			std::printf("%s\n", what.c_str());
	};

	while (std::getline(std::cin, line)) {
		size_t a = line.find('\t'), b = line.find('\t', a + 1), c = line.find('\t', b + 1);
		std::string e164;

		if (a == std::string::npos || b == std::string::npos || c == std::string::npos) {
			fail("malformed input line: " + line);
			continue;
		}
		std::string expect = line.substr(0, a), region = line.substr(a + 1, b - a - 1);
		std::string person = line.substr(b + 1, c - b - 1), cell = line.substr(c + 1);
		bool ok = is_valid(util, cell, region, &e164);

		checked++;
		if (expect == "x") {
			if (ok)
				fail("defect phone is valid: '" + cell + "' (" + e164 + ")");
			else
				invalid++;
			continue;
		}
		if (!ok) {
			fail("phone called valid is not: '" + cell + "' of " + person);
			continue;
		}
		valid++;
		if (person == "?")
			continue;
		if (person == "-") {
			unkeyed.insert(e164);
			continue;
		}
		auto o = owner.emplace(e164, person);
		if (!o.second && o.first->second != person)
			fail(e164 + " belongs to " + o.first->second + " and " + person);
		auto n = number.emplace(person, e164);
		if (!n.second && n.first->second != e164)
			fail(person + " has " + n.first->second + " and " + e164);
	}
	for (const std::string &e : unkeyed)
		if (owner.count(e))
			fail(e + " of a row without identifier also belongs to " + owner[e]);
	std::printf("checked %lu: %lu valid, %lu invalid, %lu failures\n", checked, valid, invalid,
		    failures);
	return failures ? 1 : 0;
}
