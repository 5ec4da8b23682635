/** Implementation details shared by the public packages; not exported. */
package io.switchboard.internal;
