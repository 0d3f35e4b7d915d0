/*
 * report.h — `vanlab report`: who reaches whom in a running lab, as a
 * matrix, a verdict per VAN (connected, isolated) and the view of one
 * host's vanedge.
 */
#ifndef FEDERATION_LAB_REPORT_H
#define FEDERATION_LAB_REPORT_H

/* 0 when every VAN is connected and isolated; -1 otherwise (reported). */
int	report_run(const char *prefix);

#endif /* FEDERATION_LAB_REPORT_H */
