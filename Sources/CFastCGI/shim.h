#ifndef SCIMSYNC_CFASTCGI_SHIM_H
#define SCIMSYNC_CFASTCGI_SHIM_H
#include <fcgiapp.h>
#endif
