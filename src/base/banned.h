/*
 * banned: turns libc functions that overflow buffers or keep hidden state into compile
 * errors. Include it last, after every system header, in every .c file of intake.
 * Use instead: snprintf or struct buf (sprintf, strcpy, strcat, strncpy), strtol with
 * checks (atoi), strtok_r, gmtime_r and localtime_r.
 */
#ifndef INTAKE_BASE_BANNED_H
#define INTAKE_BASE_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef gets
#define gets(x) BANNED(gets)

#endif
